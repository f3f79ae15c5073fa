"""A page or an API route never queries a model past the door.

Views (`views*.py`) and routers (`api*.py`) read rows in one of two ways: through the door
(`visible_to`, `get_object_for_user`, `reference_for`, `attach_references`, which may be given a
narrowed queryset), or through a selector of the app, which takes the viewer's scope and owns
the rule. A `Model.objects` anywhere else in a view is a query nobody checked, so this test reads
every view and router module and fails on it, naming the file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "xiaoben"
DOOR = {"visible_to", "get_object_for_user", "reference_for", "attach_references"}


def _modules() -> list[Path]:
    return sorted(ROOT.glob("*/views*.py")) + sorted(ROOT.glob("*/api*.py"))


def _callee(node: ast.Call) -> str:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def past_the_door(source: str) -> list[int]:
    """Lines where `<Model>.objects` is used outside the arguments of a door call."""
    tree = ast.parse(source)
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _callee(node) in DOOR:
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                inside.update(id(n) for n in ast.walk(arg))
    return sorted(
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in ("objects", "all_objects") and id(node) not in inside
    )


def test_the_rule_catches_a_raw_query_and_allows_the_door():
    assert past_the_door("def v(r):\n    return Writing.objects.filter(school=1)\n") == [2]
    assert past_the_door("def v(r):\n    return visible_to(r.user, Writing, Writing.objects.filter(x=1))\n") == []
    assert past_the_door("def v(r):\n    return get_object_for_user(r.user, Writing, queryset=Writing.objects.all(), pk=1)\n") == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_views_read_through_the_door_or_a_selector(path):
    lines = past_the_door(path.read_text())
    assert not lines, f"{path.parent.name}/{path.name} queries past the door at lines {lines}: use a selector or visible_to"
