"""Reads of the region app: visits, and the 教研员's workspace (aggregates only).

Every function answers in a fixed number of queries, whatever the number of schools."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import School, Teacher
from xiaoben.org.selectors import region_schools, today

from .models import SchoolVisit, VisitLesson, VisitStatus


def visits(scope: Scope, *, status: str = "") -> QuerySet[SchoolVisit]:
    qs = visible_to(scope, SchoolVisit).select_related("school", "created_by").annotate(n_lessons=Count("lessons"))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-visited_on", "-id")


def visit_lessons(scope: Scope, visit: SchoolVisit) -> list[VisitLesson]:
    return list(visible_to(scope, VisitLesson).filter(visit=visit).select_related("teacher", "observation"))


def regional_activities(scope: Scope, *, start: dt.date, end: dt.date):
    from xiaoben.activities.models import Activity

    return (
        Activity.objects.filter(region_id__in=scope.region_ids, starts_at__date__gte=start, starts_at__date__lte=end)
        .select_related("region")
        .annotate(n_present=Count("attendances", filter=Q(attendances__status="present")))
        .order_by("starts_at")
    )


def school_attention(scope: Scope, *, start: dt.date, end: dt.date, year: int) -> list[dict]:
    """Per school: teachers, activities held this term and per teacher, teachers behind the
    yearly 学时 target. Sorted so the schools needing attention come first.

    Aggregates only; a fixed number of queries (hours: three plus one per distinct target)."""
    from xiaoben.activities.models import Activity
    from xiaoben.hours.selectors import region_hour_stats

    schools = list(region_schools(scope))
    ids = [s.pk for s in schools]
    held = dict(
        Activity.objects.filter(school_id__in=ids, starts_at__date__gte=start, starts_at__date__lte=end)
        .exclude(status="cancelled")
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    hours = {r["school"].pk: r for r in region_hour_stats(school_ids=ids, year=year)}
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
            }
        )
    rows.sort(key=lambda r: (-r["behind_share"], r["per_teacher"], r["school"].name))
    return rows


def shared_this_week(scope: Scope, *, limit: int = 10) -> list[dict]:
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
