"""Rules that the forms and the API share: they live here and in the services, so a request
refused by a page is refused by the API with the same Chinese words, and nothing is cut silently.

A form keeps its `maxlength` attribute for the browser (`text_widget_attrs`) but leaves the
refusal to the service, which is the one path both reach."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Model


def too_long(label: str, value: str | None, max_chars: int) -> str | None:
    """The message for a text over its limit (None when it fits)."""
    n = len(value or "")
    if n > max_chars:
        return f"「{label}」最多 {max_chars} 字，现在有 {n} 字，请删减后再保存。"
    return None


def check_lengths(fields: list[tuple[str, str | None, int]]) -> list[str]:
    """[(label, value, max_chars)] → the messages of those over their limit."""
    return [m for label, value, limit in fields if (m := too_long(label, value, limit))]


def require_lengths(fields: list[tuple[str, str | None, int]]) -> None:
    errors = check_lengths(fields)
    if errors:
        raise ValidationError(errors)


def require_model_lengths(obj: Model, fields: list[str] | None = None) -> None:
    """Every text field of a model instance within its max_length, in the forms' words (the
    model's own check says it in Django's; a service calls this before `full_clean`)."""
    from django.db import models

    errors: list[str] = []
    for f in obj._meta.concrete_fields:
        if fields is not None and f.name not in fields:
            continue
        if isinstance(f, models.CharField | models.TextField) and f.max_length:
            value = getattr(obj, f.attname)
            if isinstance(value, str) and (m := too_long(str(f.verbose_name), value, f.max_length)):
                errors.append(m)
    if errors:
        raise ValidationError(errors)


def text_widget_attrs(max_chars: int, **attrs: str) -> dict[str, str]:
    """The browser's own limit on a field whose refusal is the service's."""
    return {"maxlength": str(max_chars), **attrs}
