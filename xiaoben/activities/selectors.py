"""Reads for activities: lists, calendars, the 月度安排, lesson-study rounds, 外出学习汇报 owed,
and what an activity's pages read beside it (minutes, credited 学时, one's own invitation).
Each takes the viewer's scope and goes through the door."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from xiaoben.core.scope import Viewer
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, School

from .models import (
    Activity,
    ActivityKind,
    ActivityMinutes,
    ActivityStatus,
    Attendance,
    AttendanceStatus,
    CalendarFeed,
    LessonStudySeries,
)

S = ActivityStatus
MONTHS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 12: "十二"}


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def activity_list(
    *,
    user: Viewer,
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


def _attendance_count(**filters: Any) -> Coalesce:
    rows = Attendance.objects.filter(activity=OuterRef("pk"), **filters).order_by().values("activity").annotate(c=Count("pk")).values("c")
    return Coalesce(Subquery(rows[:1], output_field=IntegerField()), 0)


def by_day(activities: Iterable[Activity]) -> OrderedDict[dt.date, list[Activity]]:
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
    weeks: list[list[dt.date | None]] = []
    week: list[dt.date | None] = [None] * start.weekday()
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


def monthly_plan(activities: Iterable[Activity]) -> list[dict[str, Any]]:
    """The 月度安排 as schools write it: 九月份：1. 集体备课（语文组，每周五第3节，共4次） 2. …

    Activities generated from one weekly slot collapse into one line per month."""
    months: OrderedDict[tuple[int, int], list[dict[str, Any]]] = OrderedDict()
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
                assert slot is not None  # slot_id is set
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


def outside_reports_owed(
    *, school_id: int | None = None, teacher_id: int | None = None, today: dt.date | None = None
) -> list[dict[str, Any]]:
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
        came_back = a.ends_at or a.starts_at
        assert came_back is not None  # filtered on starts_at
        back = timezone.localtime(came_back).date()
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


# --- what an activity's pages read beside it ---------------------------------------------


def activity_details() -> QuerySet[Activity]:
    """The queryset the detail pages hand to the door: what they show of the activity itself."""
    return Activity.objects.select_related("school", "term__school_year", "group", "host", "recorder", "slot", "report_for", "created_by")


def _seen(viewer: Viewer, activity: Activity) -> QuerySet[Activity]:
    return visible_to(viewer, Activity).filter(pk=activity.pk)


def minutes_of(viewer: Viewer, activity: Activity) -> ActivityMinutes | None:
    """The activity's 活动记录 (with its draft), if any — read by whoever sees the activity."""
    return visible_to(viewer, ActivityMinutes).filter(activity=activity).first()


def credited_hours(viewer: Viewer, activity: Activity) -> dict[int, Decimal]:
    """学时 credited per teacher for this activity: shown beside its sign-in list to whoever sees
    the activity (a teacher's own ledger stays private elsewhere)."""
    from xiaoben.hours.models import HourEntry

    rows = HourEntry.objects.counted().filter(activity__in=_seen(viewer, activity)).values_list("teacher_id", "hours")
    return dict(rows)


def my_attendance(viewer: Viewer, activity: Activity) -> Attendance | None:
    """The viewer's own invitation to this activity (to ask for leave), or None."""
    from xiaoben.core.scope import scope_for

    teacher_id = scope_for(viewer).teacher_id
    if teacher_id is None:
        return None
    return visible_to(viewer, Attendance).select_related("activity", "teacher").filter(activity=activity, teacher_id=teacher_id).first()


def subject_groups(viewer: Viewer, school: School) -> QuerySet[Group]:
    """The school's active 教研组 (subject groups), for filters."""
    return visible_to(viewer, Group).filter(school=school, is_active=True, kind="subject").order_by("name")


def slot_form_defaults(viewer: Viewer) -> dict[str, Any]:
    """What a group leader's weekly-slot form starts with: the first subject group they lead
    (else any they lead), and where and with whom that group last met — one less thing to
    type on a phone."""
    from xiaoben.core.scope import scope_for

    scope = scope_for(viewer)
    out: dict[str, Any] = {}
    if scope.teacher is None:
        return out
    out["host"] = scope.teacher.pk
    led = sorted(scope.led_group_ids)
    if not led:
        return out
    group_id = visible_to(viewer, Group).filter(id__in=led, kind="subject").values_list("id", flat=True).first() or led[0]
    out["group"] = group_id
    last = visible_to(viewer, Activity).filter(group_id=group_id).exclude(place="").order_by("-starts_at").first()
    if last is not None:
        out["place"] = last.place
        out["recorder"] = last.recorder_id
    return out


def calendar_feed(viewer: Viewer) -> CalendarFeed | None:
    """The viewer's own secret .ics address, if they made one."""
    return visible_to(viewer, CalendarFeed).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    """The feed a phone calendar fetches without a session: the secret token is the key (no
    scope to ask), and a departed teacher's feed answers nothing."""
    return CalendarFeed.objects.select_related("teacher").filter(token=token, teacher__is_active=True).first()
