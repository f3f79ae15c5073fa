"""Every notice is a registered type: each key a service passes to `notify` is registered,
URLs are reversed (never written by hand), and text renders in the reader's language."""

from __future__ import annotations

import ast
from pathlib import Path

from django.utils.translation import override

import xiaoben
from xiaoben.core.notifications import get_type, registered_types
from xiaoben.writings.services import COPY_DECISIONS

ROOT = Path(xiaoben.__file__).parent


def _parse(source: str) -> ast.Module:
    # CPython 3.11.7 keeps the AST converter's depth counter per interpreter, so a parse racing
    # another thread's (a live server left by a browser test) can raise a spurious SystemError.
    for _ in range(3):
        try:
            return ast.parse(source)
        except SystemError:
            continue
    return ast.parse(source)


def _notify_calls():
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = _parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                fn = node.func
                name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
                if name == "notify" and node.args:
                    yield path.relative_to(ROOT), node


def _keys(arg: ast.expr) -> list[str]:
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return [arg.value]
    if isinstance(arg, ast.IfExp):
        return _keys(arg.body) + _keys(arg.orelse)
    return []


def test_every_key_passed_to_notify_is_registered():
    seen, unknown = 0, []
    for path, call in _notify_calls():
        for key in _keys(call.args[0]):
            seen += 1
            if get_type(key) is None:
                unknown.append(f"{path}:{call.lineno} {key}")
    assert seen >= 40 and not unknown, unknown
    # the one computed key: 查重审核 decisions
    assert all(get_type(f"writings.copy_{d}") for d in COPY_DECISIONS)


def test_no_notice_carries_a_hand_written_url():
    bad = []
    for path, call in _notify_calls():
        for kw in call.keywords:
            if kw.arg == "url" and isinstance(kw.value, ast.Constant | ast.JoinedStr) and str(getattr(kw.value, "value", "/")) != "":
                bad.append(f"{path}:{call.lineno}")
    assert not bad, bad


def test_notification_send_is_gone():
    from xiaoben.core import services

    assert not hasattr(services, "notification_send")
    assert not [p for p in ROOT.rglob("*.py") if "notification_send" in p.read_text(encoding="utf-8") and p.name != Path(__file__).name]


def test_types_render_in_the_readers_language():
    kinds = {t.key: t for t in registered_types()}
    assert {"activities.cancelled", "activities.invited", "activities.leave_requested", "core.mention"} <= set(kinds)
    text = kinds["activities.invited"].render({"title": "集体备课"})
    assert text == "邀请您参加研修活动：集体备课"
    with override("en"):
        assert kinds["activities.invited"].render({"title": "集体备课"}) == "You are invited to the activity: 集体备课"
        assert (
            kinds["hours.claim_rejected"].render({"title": "国培", "step": "学校审核", "reason": "证书模糊"}).startswith("Your hours claim")
        )
