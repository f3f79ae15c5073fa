"""Reads about places and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xiaoben.core.scope import Scope, Viewer, scope_for
from xiaoben.core.tenancy import visible_to

from .models import Group, GroupMembership, School, Teacher, Term


def today() -> dt.date:
    return timezone.localdate()


def current_term(school_id: int | None, on: dt.date | None = None) -> Term | None:
    """The term holding `on`; between terms, the one that ended last (the summer
    holiday still belongs to last term's paperwork); before any, the next."""
    if school_id is None:
        return None
    on = on or today()
    terms = Term.objects.select_related("school_year").filter(school_id=school_id)
    term = terms.filter(start_date__lte=on, end_date__gte=on).first()
    return term or terms.filter(start_date__lte=on).order_by("-start_date").first() or terms.order_by("start_date").first()


def term_for_date(school_id: int, day: dt.date) -> Term | None:
    return Term.objects.select_related("school_year").filter(school_id=school_id, start_date__lte=day, end_date__gte=day).first()


def can_see_personal(user_or_scope: Viewer, teacher: Teacher) -> bool:
    """PIPL: birth dates and phone numbers only for the teacher and their school's admins."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    return scope.is_self(teacher.pk) or scope.can("org:read_personal", school_id=teacher.school_id)


def teacher_list(
    *, user: Viewer, school_id: int | None = None, search: str = "", group_id: int | None = None, subject: str = ""
) -> QuerySet[Teacher]:
    qs = visible_to(user, Teacher).filter(is_active=True).select_related("school", "user")
    if school_id:
        qs = qs.filter(school_id=school_id)
    if search:
        s = search.strip()
        qs = qs.filter(Q(name__contains=s) | Q(staff_no__iexact=s) | Q(name_initials__istartswith=s.lower()))
    if group_id:
        qs = qs.filter(memberships__group_id=group_id)
    if subject:
        qs = qs.filter(subject=subject)
    return qs.order_by("staff_no")


def new_teachers(school_id: int, on: dt.date | None = None) -> QuerySet[Teacher]:
    """新教师: teaching for less than three full years."""
    on = on or today()
    cutoff = on.replace(year=on.year - 3) if not (on.month == 2 and on.day == 29) else on.replace(year=on.year - 3, day=28)
    return Teacher.objects.filter(school_id=school_id, is_active=True, teaching_since__gt=cutoff)


def group_list(*, user: Viewer, school_id: int | None = None) -> QuerySet[Group]:
    qs = visible_to(user, Group).filter(is_active=True).select_related("parent", "school")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.annotate(member_count=Count("memberships", distinct=True)).order_by("kind", "name")


def group_leaders(group_ids: Iterable[int]) -> dict[int, list[Teacher]]:
    out: dict[int, list[Teacher]] = {}
    rows = (
        GroupMembership.objects.filter(group_id__in=list(group_ids), role__in=["leader", "deputy"])
        .select_related("teacher")
        .order_by("role")
    )
    for m in rows:
        out.setdefault(m.group_id, []).append(m.teacher)
    return out


def teacher_groups(teacher: Teacher) -> list[GroupMembership]:
    return list(teacher.memberships.select_related("group").filter(group__is_active=True).order_by("group__kind", "group__name"))


def school_for_scope(scope: Scope, requested_id: int | None = None) -> School | None:
    """The school a page is about: the requested one if the person may read it, else their own."""
    if requested_id and (scope.is_platform_admin or requested_id in scope.readable_school_ids):
        return School.objects.filter(pk=requested_id).first()
    if scope.school_id:
        return School.objects.filter(pk=scope.school_id).first()
    if scope.is_platform_admin:
        return School.objects.order_by("id").first()
    return None


def region_schools(scope: Scope) -> QuerySet[School]:
    """The schools of the regions a 教研员 serves (every school for the platform admin)."""
    schools = School.objects.all() if scope.is_platform_admin else School.objects.filter(id__in=scope.region_school_ids)
    return schools.order_by("name")


def term_window(on: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The school term around `on` by the usual calendar (regional activities carry no term):
    1 Aug–31 Jan is the first term, 1 Feb–31 Jul the second."""
    d = on or today()
    if d.month >= 8:
        return dt.date(d.year, 8, 1), dt.date(d.year + 1, 1, 31)
    if d.month == 1:
        return dt.date(d.year - 1, 8, 1), dt.date(d.year, 1, 31)
    return dt.date(d.year, 2, 1), dt.date(d.year, 7, 31)
