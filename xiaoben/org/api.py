"""API for the current user, schools, terms, groups and teachers — through the door."""

import datetime as dt
from typing import Any, cast

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.models import User
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from .models import Group, School, Teacher, Term
from .selectors import can_see_personal, current_term

router = Router(tags=["学校与人员"])


class MeOut(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    school_id: int | None
    teacher_id: int | None
    is_group_leader: bool
    is_school_admin: bool
    is_region_staff: bool
    current_term: str | None


class SchoolOut(Schema):
    id: int
    name: str
    code: str
    stage: str
    stage_display: str
    region_id: int

    @staticmethod
    def resolve_stage_display(s: School) -> str:
        return s.get_stage_display()


class TermOut(Schema):
    id: int
    school_id: int
    name: str
    number: int
    start_date: dt.date
    end_date: dt.date
    week_count: int
    holiday_weeks: list[int]

    @staticmethod
    def resolve_holiday_weeks(t: Term) -> list[int]:
        return t.holiday_weeks or []


class GroupOut(Schema):
    id: int
    school_id: int
    kind: str
    name: str
    parent_id: int | None
    subject: str
    grade: int | None


class TeacherOut(Schema):
    id: int
    school_id: int
    staff_no: str
    name: str
    gender: str
    subject: str
    grades: list[int]
    education: str
    title: str
    is_head_teacher: bool
    teaching_years: int | None
    is_new: bool
    birth_date: dt.date | None = None  # only for the teacher and their school's admins
    phone: str | None = None

    @staticmethod
    def resolve_grades(t: Teacher) -> list[int]:
        return t.grades or []

    @staticmethod
    def resolve_teaching_years(t: Teacher) -> int | None:
        return t.teaching_years()

    @staticmethod
    def resolve_is_new(t: Teacher) -> bool:
        return t.is_new()

    @staticmethod
    def resolve_birth_date(t: Teacher, context: dict[str, Any]) -> dt.date | None:
        return t.birth_date if _personal(t, context) else None

    @staticmethod
    def resolve_phone(t: Teacher, context: dict[str, Any]) -> str | None:
        return t.user.phone if _personal(t, context) else None


def _personal(t: Teacher, context: dict[str, Any]) -> bool:
    """Birth date and phone: the teacher and their school's admins only (`can_see_personal`)."""
    return can_see_personal(scope_for(context["request"].user), t)


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user = cast(User, request.user)  # the API's auth lets only signed-in users through
    scope = scope_for(user)
    term = current_term(scope.school_id)
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.display_name,
        "roles": scope.role_titles,
        "school_id": scope.school_id,
        "teacher_id": scope.teacher_id,
        "is_group_leader": scope.is_group_leader,
        "is_school_admin": scope.is_school_admin,
        "is_region_staff": scope.is_region_staff,
        "current_term": term.name if term else None,
    }


@router.get("/schools", response=list[SchoolOut])
@paginate(PageNumberPagination, page_size=50)
def schools(request: HttpRequest) -> QuerySet[School]:
    return visible_to(request.user, School).order_by("id")


@router.get("/terms", response=list[TermOut])
@paginate(PageNumberPagination, page_size=50)
def terms(request: HttpRequest, school_id: int | None = None) -> QuerySet[Term]:
    qs = visible_to(request.user, Term).select_related("school_year").order_by("school_id", "-start_date")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs


@router.get("/groups", response=list[GroupOut])
@paginate(PageNumberPagination, page_size=100)
def groups(request: HttpRequest, school_id: int | None = None, kind: str | None = None) -> QuerySet[Group]:
    qs = visible_to(request.user, Group).filter(is_active=True).order_by("school_id", "kind", "name")
    if school_id:
        qs = qs.filter(school_id=school_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/teachers", response=list[TeacherOut])
@paginate(PageNumberPagination, page_size=50)
def teachers(request: HttpRequest, school_id: int | None = None, q: str | None = None) -> QuerySet[Teacher]:
    qs = visible_to(request.user, Teacher).filter(is_active=True).select_related("user").order_by("school_id", "staff_no")
    if school_id:
        qs = qs.filter(school_id=school_id)
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(name_initials__istartswith=q.lower())
    return qs


@router.get("/teachers/{teacher_id}", response=TeacherOut)
def teacher(request: HttpRequest, teacher_id: int) -> Teacher:
    t = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("user"), pk=teacher_id)
    return t
