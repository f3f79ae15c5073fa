"""Reads about places and people."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from xiaoben.core.scope import Scope, Viewer, scope_for
from xiaoben.core.tenancy import visible_to

from .models import CalendarDay, Group, GroupMembership, Region, School, Teacher, Term


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


def inactive_teachers(scope: Scope, school: School) -> QuerySet[Teacher]:
    """停用的教师 of a school, for those who manage it (nobody else: an empty list)."""
    if not scope.can("org:manage", school_id=school.pk):
        return Teacher.objects.none()
    return Teacher.objects.filter(school=school, is_active=False).order_by("staff_no")


def first_region_school(scope: Scope) -> School | None:
    """The first school of a 教研员's region (the analysis opens on it)."""
    return School.objects.filter(pk__in=scope.region_school_ids).order_by("id").first()


def calendar_days(scope: Scope, school: School, start: dt.date, end: dt.date) -> QuerySet[CalendarDay]:
    """The school's own calendar days (over the national default) between two dates."""
    return visible_to(scope, CalendarDay).filter(school=school, date__gte=start, date__lte=end)


def group_members(group: Group) -> QuerySet[GroupMembership]:
    """A group's memberships, leaders first (the group was found through the door)."""
    return group.memberships.select_related("teacher").order_by("role", "teacher__staff_no")


def terms_for(scope: Scope) -> QuerySet[Term]:
    """The terms page: one's own school's terms; the platform admin (no school) sees every school's."""
    rows = visible_to(scope, Term).select_related("school_year", "school")
    if scope.school_id is not None:
        return rows.filter(school_id=scope.school_id)
    if not scope.is_platform_admin:
        return rows.none()
    return rows.order_by("school__name", "-start_date")


def home_schools(scope: Scope) -> QuerySet[School]:
    """The schools a 教研员's (or the platform admin's) home page lists, with their head counts."""
    schools = School.objects.select_related("region").annotate(
        teacher_count=Count("teachers", filter=Q(teachers__is_active=True), distinct=True),
        group_count=Count("groups", filter=Q(groups__kind="subject"), distinct=True),
    )
    if not scope.is_platform_admin:
        schools = schools.filter(id__in=scope.region_school_ids)
    return schools.order_by("region_id", "id")


def home_regions(scope: Scope) -> QuerySet[Region]:
    """The regions a 教研员 serves (district and up), at most three, for the home page."""
    return Region.objects.filter(id__in=scope.region_ids, kind__in=["district", "city", "province"]).order_by("id")[:3]
