"""Overdue project stages join the scheduled notices (messaging's tick: Celery beat or cron):
once a day after 08:00, each overdue project's 主持人 is reminded at most once a week."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.messaging.scheduled import once, scheduled

from .services import projects_remind_overdue

MORNING_HOUR = 8


@scheduled("research.stage_overdue")
def stages_overdue(now: dt.datetime) -> int:
    local = timezone.localtime(now)
    if local.hour < MORNING_HOUR or not once(f"research.stage_overdue:{local.date()}"):
        return 0
    return projects_remind_overdue(today=local.date())
