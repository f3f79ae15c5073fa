"""Reads of the region app: visits, and the 教研员's workspace (aggregates only).

Every function answers in a fixed number of queries, whatever the number of schools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import School, Teacher
from xiaoben.org.selectors import region_schools, today

from .models import SchoolVisit, VisitLesson, VisitStatus

if TYPE_CHECKING:
    from xiaoben.activities.models import Activity
    from xiaoben.org.models import Group, Region
    from xiaoben.plans.models import Plan
    from xiaoben.resources.models import Resource

    from .models import Alliance


def visits(scope: Scope, *, status: str = "") -> QuerySet[SchoolVisit]:
    qs = visible_to(scope, SchoolVisit).select_related("school", "created_by").annotate(n_lessons=Count("lessons"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-visited_on", "-id")


def visit_lessons(scope: Scope, visit: SchoolVisit) -> list[VisitLesson]:
    return list(visible_to(scope, VisitLesson).filter(visit=visit).select_related("teacher", "observation"))


def regional_activities(scope: Scope, *, start: dt.date, end: dt.date) -> QuerySet[Activity]:
    from xiaoben.activities.models import Activity

    return (
        Activity.objects.filter(region_id__in=scope.region_ids, starts_at__date__gte=start, starts_at__date__lte=end)
        .select_related("region", "host")
        .annotate(n_present=Count("attendances", filter=Q(attendances__status="present")))
        .order_by("starts_at")
    )


def school_attention(scope: Scope, *, start: dt.date, end: dt.date, year: int) -> list[dict[str, Any]]:
    """Per school: teachers, activities held this term and per teacher, teachers behind the
    yearly 学时 target, teachers behind on at least one region requirement. Sorted so the
    schools needing attention come first.

    Aggregates only; a fixed number of queries (the kept per-school tallies and 学时 totals:
    `region.tally`, `comparison.hour_stats`; region requirements: `region.progress`)."""
    from . import tally
    from .comparison import hour_stats

    schools = list(region_schools(scope))
    ids = [s.pk for s in schools]
    kept = tally.counts(ids, {"activities": (start, end), "hours": (dt.date(year, 1, 1), dt.date(year, 12, 31))})
    held = {sid: sum(n for n in d.values() if isinstance(n, int)) for sid, d in kept["activities"].items()}
    hours = hour_stats(schools, kept["hours"], year)
    from xiaoben.region.progress import region_progress, region_templates

    templates = region_templates(schools)
    behind_req: dict[int, set[int]] = {}
    region_progress(schools, templates, behind_any=behind_req)
    rows = []
    for s in schools:
        h = hours.get(s.pk, {})
        n = h.get("teachers", 0)
        a = held.get(s.pk, 0)
        behind = n - h.get("met", 0)
        rows.append(
            {
                "school": s,
                "teachers": n,
                "activities": a,
                "per_teacher": round(a / n, 2) if n else 0,
                "behind": behind,
                "behind_share": round(behind / n, 2) if n else 0,
                "req_behind": len(behind_req.get(s.pk, ())),
                "req_behind_share": round(len(behind_req.get(s.pk, ())) / n, 2) if n else 0,
            }
        )
    rows.sort(key=lambda r: (-r["req_behind_share"], -r["behind_share"], r["per_teacher"], r["school"].name))
    return rows


def shared_this_week(scope: Scope, *, limit: int = 10) -> list[dict[str, Any]]:
    """Writings and resources schools shared with the region in the last seven days
    (region-visible writings; resources shared and approved). Two queries."""
    from django.urls import reverse

    from xiaoben.resources.models import Resource, ShareState
    from xiaoben.writings.models import Writing

    since = today() - dt.timedelta(days=7)
    school_ids = region_schools(scope).values("id")
    out = [
        {
            "title": w.title,
            "school": w.school,
            "by": w.author.name,
            "kind": "文章",
            "url": reverse("writings:detail", args=[w.pk]),
            "at": w.created_at,
            "subject": w.author.subject,
        }
        for w in Writing.objects.filter(school_id__in=school_ids, visibility="region", created_at__date__gte=since)
        .exclude(status="draft")
        .select_related("school", "author")
        .order_by("-created_at")[:limit]
    ]
    out += [
        {
            "title": r.title,
            "school": r.school,
            "by": "",
            "kind": "资源",
            "url": reverse("resources:detail", args=[r.pk]),
            "at": r.created_at,
            "subject": r.subject,
        }
        for r in Resource.objects.filter(
            school_id__in=school_ids, visibility__in=("region", "public"), share_state=ShareState.APPROVED, created_at__date__gte=since
        )
        .select_related("school")
        .order_by("-created_at")[:limit]
    ]
    return sorted(out, key=lambda x: x["at"], reverse=True)[:limit]


def visit_todos(scope: Scope) -> QuerySet[SchoolVisit]:
    """What waits on this person: a 教研员 closes answered visits; a school admin answers open ones."""
    qs = visits(scope)
    cond = Q(pk__in=[])
    if scope.region_school_ids:
        cond |= Q(school_id__in=scope.region_school_ids, status=VisitStatus.ANSWERED)
    if scope.admin_school_ids:
        cond |= Q(school_id__in=scope.admin_school_ids, status=VisitStatus.OPEN)
    return qs.filter(cond)


def school_teachers(school: School) -> QuerySet[Teacher]:
    return Teacher.objects.filter(school=school, is_active=True).order_by("staff_no")


# --- 教研联盟 ---------------------------------------------------------------------


def alliances(scope: Scope) -> QuerySet[Region]:
    """The alliances this person may open: those inside a 教研员's region, those a school
    administered has joined. With the number of schools and the lead school."""
    from xiaoben.org.models import Region

    qs = Region.objects.filter(kind="alliance")
    if not scope.is_platform_admin:
        joined = School.alliances.through.objects.filter(school_id__in=scope.admin_school_ids).values("region_id")
        qs = qs.filter(Q(pk__in=scope.region_ids) | Q(pk__in=joined))
    return (
        qs.select_related("parent", "alliance_profile__lead_school")
        .annotate(n_schools=Count("member_schools", distinct=True))
        .order_by("parent_id", "name")
    )


def alliance_members(alliance: Region) -> list[School]:
    return list(School.objects.filter(alliances=alliance).order_by("name"))


def alliance_activities(scope: Scope, alliance: Region, *, limit: int = 30) -> list[Activity]:
    """The alliance's own activities (区域 activities held under it), through the door."""
    from xiaoben.activities.models import Activity

    return list(
        visible_to(scope, Activity)
        .filter(region=alliance)
        .select_related("host__school")
        .annotate(n_present=Count("attendances", filter=Q(attendances__status="present")))
        .order_by("-starts_at")[:limit]
    )


def alliance_resources(scope: Scope, member_ids: list[int], *, limit: int = 8) -> list[Resource]:
    """What the member schools shared beyond themselves (region/public, approved), through the door."""
    from xiaoben.resources.models import Resource, ShareState

    return list(
        visible_to(scope, Resource)
        .filter(school_id__in=member_ids, visibility__in=("region", "public"), share_state=ShareState.APPROVED)
        .select_related("school")
        .order_by("-created_at")[:limit]
    )


def alliance_plans(scope: Scope, alliance: Region) -> list[Plan]:
    from xiaoben.plans.models import Plan

    return list(visible_to(scope, Plan).filter(level="region", region=alliance).order_by("-id")[:5])


# --- 学科教研员: their subject first ---------------------------------------------------


SUBJECT_WORDS = ("语文", "数学", "英语", "科学", "道德与法治", "物理", "化学", "生物", "历史", "地理", "音乐", "美术", "体育", "信息技术")


def activity_subject(a: Activity, subjects: Iterable[str]) -> str:
    """The subject of a regional activity: the one its title names (小学语文联片教研), else its
    host's. Returned only when it is one of `subjects` (the researcher's)."""
    named = next((s for s in (*subjects, *SUBJECT_WORDS) if s in a.title), "")
    host = getattr(a, "host", None)
    subject = named or (host.subject if host is not None else "")
    return subject if subject in subjects else ""


def subject_groups(scope: Scope, *, start: dt.date, end: dt.date, limit: int = 12) -> list[Group]:
    """A 学科教研员's 教研组 across the region's schools with this term's activities, the
    quietest first. One query."""
    from xiaoben.org.models import Group

    if not scope.region_subjects:
        return []
    held = Q(activities__starts_at__date__gte=start, activities__starts_at__date__lte=end) & ~Q(activities__status="cancelled")
    return list(
        Group.objects.filter(
            school_id__in=region_schools(scope).values("id"), kind="subject", subject__in=scope.region_subjects, is_active=True
        )
        .select_related("school")
        .annotate(n_activities=Count("activities", filter=held, distinct=True), n_members=Count("memberships", distinct=True))
        .order_by("n_activities", "school__name")[:limit]
    )


def subject_teachers(scope: Scope, school_ids: list[int]) -> dict[int, int]:
    """Teachers of the researcher's subjects, per school. One query."""
    if not scope.region_subjects:
        return {}
    return dict(
        Teacher.objects.filter(school_id__in=school_ids, is_active=True, subject__in=scope.region_subjects)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )


# --- an alliance, as a page opens it ------------------------------------------------


def alliance_member_schools(alliance: Region) -> QuerySet[School]:
    return School.objects.filter(alliances=alliance).order_by("name")


def alliance_for(scope: Scope, pk: int) -> tuple[Region, list[School], Alliance | None] | None:
    """The alliance, its members and its profile (lead school) when it is shown to this
    person (`predicates.can_view_alliance`); None otherwise (the page answers 404)."""
    from xiaoben.org.models import Region

    from . import predicates
    from .models import Alliance

    alliance = Region.objects.filter(pk=pk, kind="alliance").select_related("parent").first()
    if alliance is None:
        return None
    members = alliance_members(alliance)
    if not predicates.can_view_alliance(scope, alliance.pk, {s.pk for s in members}):
        return None
    return alliance, members, Alliance.objects.filter(region=alliance).select_related("lead_school").first()


def alliance_to_run(scope: Scope, pk: int) -> tuple[Region, QuerySet[School]] | None:
    """An alliance whose activities this person runs (the region's 教研员, the lead school's
    admins) and the schools its activities invite; None otherwise."""
    from xiaoben.org.models import Region

    from . import predicates
    from .models import Alliance

    alliance = Region.objects.filter(pk=pk, kind="alliance").first()
    if alliance is None:
        return None
    lead = Alliance.objects.filter(region=alliance).values_list("lead_school_id", flat=True).first()
    if not predicates.can_run_alliance(scope, alliance.pk, lead):
        return None
    return alliance, alliance_member_schools(alliance)
