"""Recurring slots: "语文组每周五第3节集体备课" becomes one activity per teaching week."""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.errors import require
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.org.models import Teacher

from . import predicates as can
from . import schedule
from .models import Activity, ActivitySlot, ActivityStatus, Attendance, AttendanceRole
from .services import _group_member_ids

if TYPE_CHECKING:
    from xiaoben.org.models import Group, School, Term


@transaction.atomic
def slot_create(
    *,
    actor: Scope,
    school: School,
    term: Term,
    group: Group | None,
    kind: str,
    title: str,
    weekday: int,
    period: int,
    place: str,
    host: Teacher | None,
    recorder: Teacher | None,
    start: dt.date | None = None,
    publish: bool = True,
    topics: str = "",
) -> tuple[ActivitySlot, list[Activity]]:
    """Create the slot and generate the term's activities from `start` on, skipping
    holiday weeks (term.holiday_weeks) and days outside the term. Published ones need
    the 四定; the group's members are invited and told once.

    `topics`: the series' topics entered at once, one line per meeting in order
    (「第5周：…」 pins a line to a week); meetings without a line keep `title`.

    Scheduled by those who organise for the group: the school's admins, its leader."""
    require(can.can_create(actor, school.pk, group.pk if group else None))
    parsed = parse_topics(topics)
    if publish:
        missing = [
            name
            for name, ok in (("地点", (place or "").strip()), ("主题/内容", (title or "").strip()), ("主持人", host), ("记录人", recorder))
            if not ok
        ]
        if missing:
            raise ValidationError(f"发布前请补全“四定”：缺少{'、'.join(missing)}。")
    dup = ActivitySlot.objects.filter(school=school, term=term, group=group, kind=kind, weekday=weekday, period=period).first()
    if dup is not None:
        raise ValidationError(f"{dup}已经排过了，请在学期活动中逐次修改。")
    for t in (host, recorder):
        if t is not None and t.school_id != school.pk:
            raise ValidationError("主持人和记录人须是本校教师。")
    slot = ActivitySlot(
        school=school,
        term=term,
        group=group,
        kind=kind,
        title=title.strip(),
        weekday=weekday,
        period=period,
        place=place.strip(),
        host=host,
        recorder=recorder,
        created_by_id=actor.user_id,
    )
    slot.full_clean()
    slot.save()
    activities = _generate(slot, start=start, publish=publish, topics=parsed)
    if publish and activities and group is not None:
        member_users = [
            u for u in Teacher.objects.filter(id__in=_group_member_ids([group.pk])).values_list("user_id", flat=True) if u != actor.user_id
        ]
        first = activities[0]
        assert first.starts_at is not None  # generated from a slot: every meeting has its time
        notify(
            "activities.slot_scheduled",
            recipients=list(member_users),
            context={
                "slot": slot,
                "count": len(activities),
                "first": f"{timezone.localtime(first.starts_at).date():%m月%d日}",
                "place": slot.place,
            },
            url=reverse("activities:list"),
            target=first,
        )
    return slot, activities


TOPIC_WEEK_RE = re.compile(r"^\s*第\s*(\d{1,2})\s*周\s*[:：、.．\s]\s*(.+)$")
MAX_TOPICS = 30


def parse_topics(text: str) -> tuple[list[str], dict[int, str]]:
    """One line per meeting → (in order, by week). Blank lines are skipped; a leading
    「第N周：」 pins the line to week N; numbering like 「1. 」 is dropped."""
    in_order: list[str] = []
    by_week: dict[int, str] = {}
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if len(lines) > MAX_TOPICS:
        raise ValidationError(f"主题最多{MAX_TOPICS}行（一学期的周数）。")
    for ln in lines:
        m = TOPIC_WEEK_RE.match(ln)
        topic = (m[2] if m else re.sub(r"^\s*\d{1,2}\s*[.．、)）]\s*", "", ln)).strip()
        if len(topic) > 200:
            raise ValidationError(f"主题「{topic[:20]}…」太长，最多200字。")
        if m:
            by_week[int(m[1])] = topic
        else:
            in_order.append(topic)
    return in_order, by_week


@transaction.atomic
def slot_generate(
    *,
    actor: Scope,
    slot: ActivitySlot,
    start: dt.date | None = None,
    publish: bool = True,
    topics: tuple[list[str], dict[int, str]] | None = None,
) -> list[Activity]:
    """One activity per teaching week (idempotent: a date that already has one is skipped), by
    those who may schedule for the slot's group. `topics` (from parse_topics) gives each meeting
    its own title."""
    require(can.can_create(actor, slot.school_id, slot.group_id))
    return _generate(slot, start=start, publish=publish, topics=topics)


def _generate(
    slot: ActivitySlot, *, start: dt.date | None, publish: bool, topics: tuple[list[str], dict[int, str]] | None
) -> list[Activity]:
    in_order, by_week = topics or ([], {})
    queue = list(in_order)
    term, school = slot.term, slot.school
    days = schedule.slot_dates(term, slot.weekday, start=start)
    taken = {
        timezone.localtime(a.starts_at).date() for a in Activity.objects.filter(slot=slot).only("starts_at") if a.starts_at is not None
    }
    status = ActivityStatus.PUBLISHED if publish else ActivityStatus.PLANNED
    rows = []
    for week, day in days:
        if day in taken:
            continue
        starts, ends = schedule.period_times(school, day, slot.period)
        title = by_week.get(week) or (queue.pop(0) if queue else slot.title)
        rows.append(
            Activity(
                school=school,
                term=term,
                group=slot.group,
                kind=slot.kind,
                title=title,
                starts_at=starts,
                ends_at=ends,
                place=slot.place,
                host=slot.host,
                recorder=slot.recorder,
                status=status,
                created_by=slot.created_by,
                slot=slot,
                description=f"第{week}周",
            )
        )
    created = Activity.objects.bulk_create(rows)
    members = _group_member_ids([slot.group_id]) if slot.group_id else []
    roles = {slot.host_id: AttendanceRole.HOST, slot.recorder_id: AttendanceRole.RECORDER}
    people = list(dict.fromkeys([*members, *(t for t in roles if t)]))
    Attendance.objects.bulk_create(
        [Attendance(activity=a, teacher_id=t, role=roles.get(t, AttendanceRole.PARTICIPANT)) for a in created for t in people],
        ignore_conflicts=True,
    )
    return created
