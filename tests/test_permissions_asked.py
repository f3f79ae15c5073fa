"""Every permission a role holds is asked somewhere: a string nobody checks is a promise the
code does not keep (issue #11 found four such strings)."""

import re
from pathlib import Path

from xiaoben.core.permissions import ROLE_PERMISSIONS

ROOT = Path(__file__).resolve().parent.parent / "xiaoben"


def test_every_permission_string_is_asked_by_the_code():
    held = set().union(*ROLE_PERMISSIONS.values())
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for p in [*ROOT.rglob("*.py"), *ROOT.rglob("*.html")]
        if p.name != "permissions.py" and "tests" not in p.parts and "migrations" not in p.parts
    )
    asked = set(re.findall(r"""["']([a-z_]+:[a-z_]+)["']""", text))
    assert sorted(held - asked) == []
