"""Reads for activities: lists, calendars, the 月度安排, lesson-study rounds, 外出学习汇报 owed."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoben.core.tenancy import visible_to

from .models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    LessonStudySeries,
)

S = ActivityStatus
MONTHS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 12: "十二"}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def activity_list(
    *,
    user,
    school_id: int | None = None,
    term_id: int | None = None,
    kind: str = "",
    status: str = "",
    group_id: int | None = None,
    teacher_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Activity]:
    """Visible activities with what a list shows, in a fixed number of queries."""
    ids = visible_to(user, Activity)
    qs = Activity.objects.filter(pk__in=ids.values("pk"))
    if school_id:
        qs = qs.filter(school_id=school_id)
    if term_id:
        qs = qs.filter(term_id=term_id)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if group_id:
        qs = qs.filter(Q(group_id=group_id) | Q(group__parent_id=group_id))
    if teacher_id:
        qs = qs.filter(attendances__teacher_id=teacher_id)
    if start:
        qs = qs.filter(starts_at__gte=_day_start(start))
    if end:
        qs = qs.filter(starts_at__lt=_day_start(end + dt.timedelta(days=1)))
    # Counts as correlated subqueries: a JOIN + GROUP BY over every attendance of the
    # term costs about twice as much as counting only the rows shown.
    return qs.select_related("group", "host", "recorder", "school", "slot").annotate(
        invited_count=_attendance_count(), present_count=_attendance_count(status=AttendanceStatus.PRESENT)
    )


def _attendance_count(**filters):
    rows = Attendance.objects.filter(activity=OuterRef("pk"), **filters).order_by().values("activity").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def by_day(activities) -> OrderedDict[dt.date, list[Activity]]:
    out: OrderedDict[dt.date, list[Activity]] = OrderedDict()
    for a in activities:
        if a.starts_at:
            out.setdefault(timezone.localtime(a.starts_at).date(), []).append(a)
    return out


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=i) for i in range(7)]


def month_grid(first: dt.date) -> list[list[dt.date | None]]:
    """Weeks (Monday first) of the month holding `first`; None pads outside days."""
    start = first.replace(day=1)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    weeks, week = [], [None] * start.weekday()
    day = start
    while day < nxt:
        week.append(day)
        if len(week) == 7:
            weeks.append(week)
            week = []
        day += dt.timedelta(days=1)
    if week:
        weeks.append(week + [None] * (7 - len(week)))
    return weeks


def monthly_plan(activities) -> list[dict]:
    """The 月度安排 as schools write it: 九月份：1. 集体备课（语文组，每周五第3节，共4次） 2. …

    Activities generated from one weekly slot collapse into one line per month."""
    months: OrderedDict[tuple[int, int], list] = OrderedDict()
    for a in activities:
        if not a.starts_at or a.status == S.CANCELLED:
            continue
        local = timezone.localtime(a.starts_at)
        items = months.setdefault((local.year, local.month), [])
        if a.slot_id:
            for item in items:
                if item.get("slot_id") == a.slot_id:
                    item["count"] += 1
                    item["activities"].append(a)
                    break
            else:
                slot = a.slot
                items.append(
                    {
                        "slot_id": a.slot_id,
                        "text": f"{a.group.name if a.group else ''}{slot.title}",
                        "when": f"每{slot.get_weekday_display()}第{slot.period}节",
                        "count": 1,
                        "activities": [a],
                    }
                )
        else:
            lesson = f"（{a.get_lesson_kind_display()}）" if a.lesson_kind else ""
            items.append(
                {
                    "slot_id": None,
                    "text": f"{a.title}{lesson}",
                    "when": f"{local.month}月{local.day}日",
                    "count": 1,
                    "activities": [a],
                    "kind": a.get_kind_display(),
                    "group": a.group.name if a.group else "",
                }
            )
    return [
        {"label": f"{MONTHS[m]}月份", "year": y, "month": m, "items": sorted(items, key=lambda i: i["slot_id"] is None)}
        for (y, m), items in months.items()
    ]


def series_rounds(series: LessonStudySeries) -> QuerySet[Activity]:
    """The activities of a 一课多研/同课异构 series, in round order (observations
    compare their averages round by round through `Observation.activity`)."""
    return (
        Activity.objects.filter(study_rounds__series=series)
        .select_related("host", "group")
        .order_by("study_rounds__number", "starts_at", "pk")
    )


def outside_reports_owed(*, school_id: int | None = None, teacher_id: int | None = None, today: dt.date | None = None) -> list[dict]:
    """外出学习汇报 owed: each teacher who went out owes a 汇报 (a lecture or report
    lesson linked to the trip, hosted by them) within N weeks of coming back."""
    today = today or timezone.localdate()
    reports = Activity.objects.filter(report_for=OuterRef("activity_id"), host_id=OuterRef("teacher_id")).exclude(status=S.CANCELLED)
    qs = (
        Attendance.objects.filter(activity__kind=ActivityKind.OUTSIDE, activity__starts_at__lt=timezone.now())
        .exclude(status__in=[AttendanceStatus.LEAVE, AttendanceStatus.ABSENT])
        .exclude(activity__status__in=[S.CANCELLED, S.PLANNED])
        .annotate(reported=Exists(reports))
        .filter(reported=False)
        .select_related("activity", "activity__school", "teacher", "teacher__school")
        .order_by("activity__starts_at")
    )
    if school_id:
        qs = qs.filter(teacher__school_id=school_id)
    if teacher_id:
        qs = qs.filter(teacher_id=teacher_id)
    out = []
    for att in qs:
        a = att.activity
        weeks = int(att.teacher.school.setting("outside_report_weeks", 2) or 2)
        back = timezone.localtime(a.ends_at or a.starts_at).date()
        due = back + dt.timedelta(weeks=weeks)
        out.append(
            {
                "attendance": att,
                "activity": a,
                "teacher": att.teacher,
                "due": due,
                "late": due < today,
                "days_left": (due - today).days,
                "days_late": (today - due).days,
            }
        )
    return out
