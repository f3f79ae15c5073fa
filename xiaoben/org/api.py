"""API for the current user, schools, terms, groups and teachers — through the door."""

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
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


class TermOut(Schema):
    id: int
    school_id: int
    name: str
    number: int
    start_date: dt.date
    end_date: dt.date
    week_count: int
    holiday_weeks: list[int]


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


def _teacher_out(scope, t: Teacher) -> dict:
    personal = can_see_personal(scope, t)
    return {
        "id": t.pk,
        "school_id": t.school_id,
        "staff_no": t.staff_no,
        "name": t.name,
        "gender": t.gender,
        "subject": t.subject,
        "grades": t.grades or [],
        "education": t.education,
        "title": t.title,
        "is_head_teacher": t.is_head_teacher,
        "teaching_years": t.teaching_years(),
        "is_new": t.is_new(),
        "birth_date": t.birth_date if personal else None,
        "phone": t.user.phone if personal else None,
    }


@router.get("/me", response=MeOut)
def me(request):
    scope = scope_for(request.user)
    term = current_term(scope.school_id)
    return {
        "id": request.user.pk,
        "username": request.user.username,
        "name": request.user.display_name,
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
def schools(request):
    return LazyPage(visible_to(request.user, School).order_by("id"), _school_out)


@router.get("/terms", response=list[TermOut])
@paginate(PageNumberPagination, page_size=50)
def terms(request, school_id: int | None = None):
    qs = visible_to(request.user, Term).select_related("school_year").order_by("school_id", "-start_date")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return LazyPage(qs, _term_out)


@router.get("/groups", response=list[GroupOut])
@paginate(PageNumberPagination, page_size=100)
def groups(request, school_id: int | None = None, kind: str | None = None):
    qs = visible_to(request.user, Group).filter(is_active=True).order_by("school_id", "kind", "name")
    if school_id:
        qs = qs.filter(school_id=school_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


@router.get("/teachers", response=list[TeacherOut])
@paginate(PageNumberPagination, page_size=50)
def teachers(request, school_id: int | None = None, q: str | None = None):
    scope = scope_for(request.user)
    qs = visible_to(request.user, Teacher).filter(is_active=True).select_related("user").order_by("school_id", "staff_no")
    if school_id:
        qs = qs.filter(school_id=school_id)
    if q:
        qs = qs.filter(name__contains=q) | qs.filter(name_initials__istartswith=q.lower())
    return LazyPage(qs, lambda t: _teacher_out(scope, t))


@router.get("/teachers/{teacher_id}", response=TeacherOut)
def teacher(request, teacher_id: int):
    t = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("user"), pk=teacher_id)
    return _teacher_out(scope_for(request.user), t)


def _school_out(s: School) -> dict:
    return {"id": s.pk, "name": s.name, "code": s.code, "stage": s.stage, "stage_display": s.get_stage_display(), "region_id": s.region_id}


def _term_out(t: Term) -> dict:
    return {
        "id": t.pk,
        "school_id": t.school_id,
        "name": t.name,
        "number": t.number,
        "start_date": t.start_date,
        "end_date": t.end_date,
        "week_count": t.week_count,
        "holiday_weeks": t.holiday_weeks or [],
    }
