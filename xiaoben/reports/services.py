"""Writes of the reports app: summary prose drafts, term closure and reopening, templates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope

from . import selectors
from . import summary as sm
from .models import SummaryDraft

PROSE_KEYS = ("intro", "problems", "next_steps", "closing")
MAX_PROSE = 20000


def can_edit_summary(scope: Scope, period: sm.Period) -> bool:
    if period.region is not None:
        return period.region.pk in scope.region_ids
    school_id = period.schools[0].pk
    if period.group is not None:
        return scope.admin_of(school_id) or period.group.pk in scope.led_group_ids
    return scope.can("reports:export", school_id=school_id)


@transaction.atomic
def summary_draft_save(*, actor: Scope, period: sm.Period, prose: dict, title: str = "") -> SummaryDraft:
    """Save the prose of a summary. The numbers are never stored: regenerating keeps the prose."""
    if not can_edit_summary(actor, period):
        raise NotPermitted()
    clean = {}
    for k, v in prose.items():
        if not (k in PROSE_KEYS or k.startswith("section.")):
            continue
        text = (v or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_PROSE:
            raise ValidationError(f"“{k}”一段文字过长（不超过{MAX_PROSE}字）。")
        clean[k] = text
    draft, _ = SummaryDraft.objects.get_or_create(**selectors.draft_key(period))
    draft.prose = {**draft.prose, **clean}
    draft.title = title.strip()[:200]
    draft.saved_by_id = actor.user_id
    draft.full_clean()
    draft.save()
    return draft
