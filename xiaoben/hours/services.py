"""Writes to the 学时 ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .models import HourCategory, HourEntry, HourSource


@transaction.atomic
def hour_entries_sync_for_activity(
    *, activity, credits: dict[int, Decimal], day: dt.date | None = None, category: str = HourCategory.SCHOOL
) -> None:
    """Make the ledger match `credits` ({teacher_id: hours}) for one activity.

    Idempotent: recording an activity twice never credits twice; a teacher no longer
    in `credits` (attendance removed) loses the credit (soft delete, restorable)."""
    day = day or (timezone.localtime(activity.starts_at).date() if activity.starts_at else timezone.localdate())
    existing = {e.teacher_id: e for e in HourEntry.all_objects.select_for_update().filter(activity=activity)}
    for teacher_id, entry in existing.items():
        if teacher_id not in credits and entry.deleted_at is None:
            entry.soft_delete()
    from xiaoben.org.models import Teacher

    school_of = dict(Teacher.objects.filter(id__in=list(credits)).values_list("id", "school_id"))
    for teacher_id, hours in credits.items():
        hours = Decimal(hours)
        entry = existing.get(teacher_id)
        if entry is None:
            HourEntry.objects.create(
                school_id=school_of[teacher_id],
                teacher_id=teacher_id,
                term=activity.term,
                date=day,
                hours=hours,
                category=category,
                source=HourSource.ACTIVITY,
                activity=activity,
                description=activity.title[:200],
            )
        elif entry.hours != hours or entry.deleted_at is not None or entry.category != category:
            entry.hours, entry.category, entry.deleted_at, entry.date = hours, category, None, day
            entry.save(update_fields=["hours", "category", "deleted_at", "date", "updated_at"])
