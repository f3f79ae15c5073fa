"""Who may write core's shared records — comments, attachments, API tokens — plain functions over
the person's scope. `services.py` asks them first; reading is the door (`tenancy.visible_to`)."""

from __future__ import annotations

from django.db import models

from .scope import Scope


def can_comment(scope: Scope, target: models.Model) -> bool:
    """Who may write under a record they can see: the record's school (`comments:write`), the
    district's staff, or — where the record opens its thread to those it is shared with (a
    region-shared resource) — any reader holding the right."""
    opened = getattr(target, "comments_open_to", None)
    return (
        scope.can("comments:write", getattr(target, "school_id", None)) or scope.is_region_staff or bool(callable(opened) and opened(scope))
    )
