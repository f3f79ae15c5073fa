"""Two people saving the same record: the second is told, nothing is overwritten."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import F


class ConflictError(ValidationError):
    def __init__(self):
        super().__init__("这条记录已被他人修改，请刷新页面查看最新内容后再保存。", code="conflict")


def save_checked(obj, expected_version: int, fields: list[str]) -> None:
    """Save `fields` only if the row still has `expected_version` (a conditional UPDATE)."""
    model = type(obj)
    values = {f: getattr(obj, f) for f in fields}
    if any(f.name == "updated_at" for f in model._meta.fields):
        from django.utils import timezone

        values["updated_at"] = timezone.now()
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1, **values)
    if not updated:
        raise ConflictError()
    obj.version = expected_version + 1
