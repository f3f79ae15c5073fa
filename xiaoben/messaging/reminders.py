"""The scheduled reminders: the evening before an activity, 30 minutes before for the host,
claims waiting for review, 月报表 due, and the group leaders' Monday digest of who is behind.

Each producer reads a bounded window of rows with a fixed number of queries per school
and sends each notice once (`once(key)`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.notifications import notify

from .models import ChannelSettings
from .scheduled import once, scheduled

EVENING_HOUR = 18  # 前一天晚上 18:00 之后提醒
MORNING_HOUR = 8
SOON = dt.timedelta(minutes=30)


def _local(now: dt.datetime) -> dt.datetime:
    return timezone.localtime(now)


@scheduled("activities.tomorrow")
def activities_tomorrow(now: dt.datetime) -> int:
    from xiaoben.activities.models import Activity, Attendance

    local = _local(now)
    if local.hour < EVENING_HOUR:
        return 0
    tomorrow = local.date() + dt.timedelta(days=1)
    start = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time.min))
    activities = list(
        Activity.objects.filter(status="published", starts_at__gte=start, starts_at__lt=start + dt.timedelta(days=1))
        .select_related("group")
        .order_by("school_id", "starts_at")
    )
    if not activities:
        return 0
    people: dict[int, list[int]] = defaultdict(list)
    for activity_id, user_id in (
        Attendance.objects.filter(activity__in=activities).exclude(status="leave").values_list("activity_id", "teacher__user_id")
    ):
        people[activity_id].append(user_id)
    sent = 0
    by_owner: dict[tuple[str, int], list] = defaultdict(list)
    for a in activities:
        if a.school_id:
            by_owner[("school", a.school_id)].append(a)
        if a.group_id:
            by_owner[("group", a.group_id)].append(a)
        if not once(f"activities.tomorrow:{a.pk}:{tomorrow}"):
            continue
        when = timezone.localtime(a.starts_at)
        notify(
            "activities.tomorrow",
            recipients=people.get(a.pk, []),
            target=a,
            context={"when": f"{when.month}月{when.day}日 {when:%H:%M}", "place": a.place or "（地点待定）", "title": a.title},
            url=reverse("activities:detail", args=[a.pk]),
        )
        sent += 1
    # One list per school chat and per group chat (robots subscribed to this type only).
    for (owner, owner_id), items in by_owner.items():
        if not once(f"activities.tomorrow_list:{owner}:{owner_id}:{tomorrow}"):
            continue
        lines = "\n".join(f"- {timezone.localtime(a.starts_at):%H:%M} {a.title}（{a.place or '地点待定'}）" for a in items)
        target = _Owner(owner, owner_id)
        notify("activities.tomorrow_list", recipients=[], target=target, context={"lines": lines}, url=reverse("activities:list"))
    return sent


class _Owner:
    """A stand-in target that tells dispatch which school's or group's robots to use."""

    def __init__(self, owner: str, owner_id: int) -> None:
        self.school_id = owner_id if owner == "school" else None
        self.group_id = owner_id if owner == "group" else None
        self.region_id = owner_id if owner == "region" else None
        self.pk = None


@scheduled("activities.starting_soon")
def activities_starting_soon(now: dt.datetime) -> int:
    from xiaoben.activities.models import Activity

    sent = 0
    for a in Activity.objects.filter(status="published", starts_at__gt=now, starts_at__lte=now + SOON).select_related("host", "recorder"):
        if not once(f"activities.starting_soon:{a.pk}"):
            continue
        users = {t.user_id for t in (a.host, a.recorder) if t is not None}
        if a.created_by_id:
            users.add(a.created_by_id)
        notify(
            "activities.starting_soon",
            recipients=sorted(users),
            target=a,
            context={"when": f"{timezone.localtime(a.starts_at):%H:%M}", "title": a.title},
            url=reverse("activities:host_screen", args=[a.pk]),
        )
        sent += 1
    return sent


@scheduled("hours.claims_waiting")
def claims_waiting(now: dt.datetime) -> int:
    """Every morning: school approvers hear how many claims wait at the school step,
    region approvers how many wait at the region step."""
    from xiaoben.hours.models import TrainingClaim
    from xiaoben.org.models import RoleAssignment

    local = _local(now)
    if local.hour < MORNING_HOUR:
        return 0
    waiting = dict(
        TrainingClaim.objects.filter(status="pending", step="school")
        .values_list("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    sent = 0
    if waiting:
        admins: dict[int, set[int]] = defaultdict(set)
        for user_id, school_id in RoleAssignment.objects.filter(role__in=("principal", "school_admin"), school_id__in=waiting).values_list(
            "user_id", "school_id"
        ):
            admins[school_id].add(user_id)
        for school_id, n in waiting.items():
            if admins[school_id] and once(f"hours.claims_waiting:school:{school_id}:{local.date()}"):
                notify("hours.claims_waiting", recipients=sorted(admins[school_id]), context={"count": n}, url=reverse("hours:review"))
                sent += 1
    region_waiting = TrainingClaim.objects.filter(status="pending", step="region").values_list("school__region_id").annotate(n=Count("id"))
    for region_id, n in region_waiting:
        users = list(
            RoleAssignment.objects.filter(role__in=("researcher", "region_admin"), region_id=region_id).values_list("user_id", flat=True)
        )
        if users and once(f"hours.claims_waiting:region:{region_id}:{local.date()}"):
            notify("hours.claims_waiting", recipients=users, context={"count": n}, url=reverse("hours:review"))
            sent += 1
    return sent


@scheduled("mentoring.report_due")
def mentoring_reports_due(now: dt.datetime) -> int:
    """From the school's grace day after a month ends: pairs who have not filed its 月报表."""
    from xiaoben.mentoring import selectors
    from xiaoben.mentoring.models import Mentorship

    local = _local(now)
    if local.hour < MORNING_HOUR:
        return 0
    today = local.date()
    pairs = list(Mentorship.objects.filter(is_active=True).select_related("school", "school_year", "mentor", "mentee"))
    by_year: dict[int, list] = defaultdict(list)
    for p in pairs:
        by_year[p.school_year_id].append(p)
    sent = 0
    for items in by_year.values():
        bounds = selectors.year_bounds(items[0].school_year)
        if not (bounds[0] <= today <= bounds[1] + dt.timedelta(days=31)):
            continue
        progress = [selectors.PairProgress(pair=p) for p in items]
        selectors.attach_report_status(progress, bounds=bounds, today=today, grace=selectors.grace_days(items[0].school))
        for pp in progress:
            if not pp.overdue_months:
                continue
            latest = max(pp.overdue_months)
            if not once(f"mentoring.report_due:{pp.pair.pk}:{latest}"):
                continue
            months = "、".join(f"{m.month}月" for m in pp.overdue_months)
            notify(
                "mentoring.report_due",
                recipients=[pp.pair.mentor.user_id, pp.pair.mentee.user_id],
                target=pp.pair,
                context={"months": months},
                url=reverse("mentoring:detail", args=[pp.pair.pk]),
            )
            sent += 1
    return sent


@scheduled("requirements.weekly_behind")
def weekly_behind(now: dt.datetime) -> int:
    """Monday morning: each group leader hears which members are behind (one engine run per school)."""
    from xiaoben.org.models import GroupMembership, School
    from xiaoben.org.selectors import current_term
    from xiaoben.requirements.engine import progress_for_school

    local = _local(now)
    if local.weekday() != 0 or local.hour < MORNING_HOUR:
        return 0
    week = local.date().isocalendar()
    sent = 0
    for school in School.objects.filter(Q(groups__memberships__role="leader")).distinct():
        term = current_term(school.pk, local.date())
        if term is None:
            continue
        grid = progress_for_school(school, term, local.date())
        if grid is None:
            continue
        behind = grid.behind()
        names = {t.pk: t.name for t in grid.teachers}
        members: dict[int, list[int]] = defaultdict(list)
        leaders: dict[int, list[int]] = defaultdict(list)
        groups: dict[int, object] = {}
        for m in GroupMembership.objects.filter(group__school=school, group__is_active=True, group__kind="subject").select_related(
            "group", "teacher"
        ):
            groups[m.group_id] = m.group
            members[m.group_id].append(m.teacher_id)
            if m.role in ("leader", "deputy"):
                leaders[m.group_id].append(m.teacher.user_id)
        user_of = {t.pk: t.user_id for t in grid.teachers}
        muted = {
            row.user_id
            for row in ChannelSettings.objects.filter(user_id__in=user_of.values())
            if "requirements.weekly_behind" in (row.muted_robot_kinds or [])
        }
        for group_id, ids in members.items():
            late = [names[i] for i in ids if i in behind and i in names]
            public = [names[i] for i in ids if i in behind and i in names and user_of.get(i) not in muted]
            if not late or not leaders[group_id] or not once(f"requirements.weekly_behind:{group_id}:{week[0]}-{week[1]}"):
                continue
            group = groups[group_id]
            notify(
                "requirements.weekly_behind",
                recipients=leaders[group_id],
                target=_Owner("group", group_id),
                context={
                    "group": group.name,
                    "count": len(late),
                    "names": "、".join(late[:30]),
                    # the group chat names only those who did not ask to be left out
                    "robot_names": "、".join(public[:30]) + (f" 等{len(late)}人" if len(public) < len(late) else ""),
                },
                url=reverse("requirements:grid") + f"?group={group_id}",
            )
            sent += 1
    return sent
