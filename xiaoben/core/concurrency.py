"""Two people saving the same record: the second is told, nothing is overwritten."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F


class ConflictError(ValidationError):
    def __init__(self) -> None:
        super().__init__("这条记录已被他人修改，请刷新页面查看最新内容后再保存。", code="conflict")


MISSING_VERSION = "缺少版本号：请刷新页面后再保存。"


def require_version(expected_version: int | str | None) -> int:
    """The version an editor's copy was loaded from: required, never guessed from the row (a
    missing version read as "the current one" is exactly the silent overwrite)."""
    if expected_version in (None, ""):
        raise ValidationError(MISSING_VERSION, code="missing_version")
    try:
        return int(expected_version)
    except (TypeError, ValueError):
        raise ValidationError(MISSING_VERSION, code="missing_version") from None


def claim_version(obj: Any, expected_version: int | None) -> None:
    """Inside the caller's transaction: move the row from `expected_version` to the next one (the
    UPDATE locks it until commit) or raise ConflictError; the caller's `obj.save()` then writes
    the rest. For services that save a whole record rather than a few columns."""
    expected = require_version(expected_version)
    if not type(obj)._base_manager.filter(pk=obj.pk, version=expected).update(version=F("version") + 1):
        raise ConflictError()
    obj.version = expected + 1


def save_checked(obj: Any, expected_version: int | None, fields: list[str]) -> None:
    """Save `fields` only if the row still has `expected_version` (a conditional UPDATE)."""
    expected_version = require_version(expected_version)
    model = type(obj)
    values = {f: getattr(obj, f) for f in fields}
    if any(f.name == "updated_at" for f in model._meta.fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **values)
    if not updated:
        raise ConflictError()
    obj.version = expected_version + 1
