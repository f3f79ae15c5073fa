"""API: requirements (read by the school's staff, written with `requirements:manage`),
progress (own; a leader's groups; an admin's school), plan-import proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Group, Region, School, Teacher
from xiaoben.org.selectors import current_term

from . import plan_import, selectors, services
from .models import Audience, Requirement

router = Router(tags=["量化要求与考核"])  # /api/v1/requirements/
progress_router = Router(tags=["量化要求与考核"])  # /api/v1/progress/


class RequirementOut(Schema):
    id: int
    school_id: int | None
    region_id: int | None
    school_year_id: int | None
    name: str
    description: str
    applies_to: str
    group_id: int | None
    group_kind: str
    role: str
    metric: str
    filters: dict
    period: str
    threshold: Decimal
    unit: str
    active: bool
    order: int
    source: str
    version: int


class RuleIn(Schema):
    """What a rule counts: the fields a school's requirement and the district's share."""

    name: str
    metric: str
    period: str
    threshold: Decimal
    filters: dict = {}
    applies_to: str = Audience.ALL
    group_kind: str = ""
    order: int = 50


class RequirementIn(RuleIn):
    group_id: int | None = None
    role: str = ""
    active: bool = True


class RulePatch(Schema):
    version: int
    name: str | None = None
    metric: str | None = None
    period: str | None = None
    threshold: Decimal | None = None
    filters: dict | None = None
    applies_to: str | None = None
    group_kind: str | None = None
    order: int | None = None


class RequirementPatch(RulePatch):
    group_id: int | None = None
    role: str | None = None
    active: bool | None = None


class BucketOut(Schema):
    label: str
    start: dt.date
    end: dt.date
    value: float
    met: bool
    open: bool


class ProgressOut(Schema):
    requirement_id: int
    requirement: str
    teacher_id: int
    done: float
    required: float
    target: float
    expected: float
    unit: str
    status: str
    status_label: str
    start: dt.date
    end: dt.date
    message: str
    buckets: list[BucketOut] | None = None

    @staticmethod
    def resolve_requirement_id(p) -> int:
        return p.requirement.pk

    @staticmethod
    def resolve_requirement(p) -> str:
        return p.requirement.name

    @staticmethod
    def resolve_message(p) -> str:
        return p.message()


class TeacherProgressOut(Schema):
    """One row of the grid (`selectors.grid_rows`)."""

    teacher_id: int
    name: str
    staff_no: str
    progress: list[ProgressOut]

    @staticmethod
    def resolve_teacher_id(row) -> int:
        return row.teacher.pk

    @staticmethod
    def resolve_name(row) -> str:
        return row.teacher.name

    @staticmethod
    def resolve_staff_no(row) -> str:
        return row.teacher.staff_no

    @staticmethod
    def resolve_progress(row) -> list:
        return [p for p in row.cells if p]


class GridOut(Schema):
    school_id: int
    term: str
    group_id: int | None
    requirements: list[RequirementOut]
    teachers: list[TeacherProgressOut]


class PlanIn(Schema):
    text: str


class ProposalOut(Schema):
    name: str
    metric: str
    period: str
    threshold: float
    filters: dict
    applies_to: str
    group_kind: str
    description: str


class AdoptOut(Schema):
    created: int


def _managed_school(request) -> School:
    scope = scope_for(request.user)
    if scope.school_id is None or not scope.can("requirements:manage", school_id=scope.school_id):
        raise Http404
    return School.objects.get(pk=scope.school_id)


@router.get("/", response=list[RequirementOut])
@paginate(PageNumberPagination, page_size=100)
def requirement_list(request, school_id: int | None = None):
    qs = visible_to(request.user, Requirement).select_related("group").order_by("school_id", "order", "id")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs


@router.get("/{int:requirement_id}", response=RequirementOut)
def requirement_detail(request, requirement_id: int):
    return get_object_for_user(request.user, Requirement, pk=requirement_id)


@router.post("/", response={201: RequirementOut})
def requirement_create(request, payload: RequirementIn):
    school = _managed_school(request)
    data = payload.dict()
    group_id = data.pop("group_id")
    group = get_object_for_user(request.user, Group, pk=group_id, school_id=school.pk) if group_id else None
    r = services.requirement_create(school=school, user=request.user, group=group, **data)
    return 201, r


@router.patch("/{int:requirement_id}", response=RequirementOut)
def requirement_update(request, requirement_id: int, payload: RequirementPatch):
    school = _managed_school(request)
    r = get_object_for_user(request.user, Requirement, pk=requirement_id, school_id=school.pk)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "group_id" in changes:
        gid = changes.pop("group_id")
        changes["group"] = get_object_for_user(request.user, Group, pk=gid, school_id=school.pk) if gid else None
    services.requirement_update(requirement=r, expected_version=version, **changes)
    r.refresh_from_db()
    return r


@router.delete("/{int:requirement_id}", response={204: None})
def requirement_delete(request, requirement_id: int):
    school = _managed_school(request)
    services.requirement_delete(requirement=get_object_for_user(request.user, Requirement, pk=requirement_id, school_id=school.pk))
    return 204, None


class RegionRequirementIn(RuleIn):
    region_id: int


class VersionIn(Schema):
    version: int


def _region_template(request, requirement_id: int) -> Requirement:
    return get_object_for_user(request.user, Requirement, pk=requirement_id, school__isnull=True, region_id__isnull=False)


@router.post("/region", response={201: RequirementOut})
def region_requirement_create(request, payload: RegionRequirementIn):
    """区域统一要求: saved for the region and copied into every school below it."""
    data = payload.dict()
    scope = scope_for(request.user)
    region_id = data.pop("region_id")
    if region_id not in scope.region_ids and not scope.is_platform_admin:
        raise Http404
    region = Region.objects.get(pk=region_id)
    return 201, services.region_requirement_save(actor=scope, region=region, **data)


@router.patch("/region/{int:requirement_id}", response=RequirementOut)
def region_requirement_update(request, requirement_id: int, payload: RulePatch):
    t = _region_template(request, requirement_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.region_requirement_save(actor=scope_for(request.user), region=t.region, requirement=t, expected_version=version, **changes)
    t.refresh_from_db()
    return t


@router.post("/region/{int:requirement_id}/retire", response=RequirementOut)
def region_requirement_retire(request, requirement_id: int, payload: VersionIn):
    t = _region_template(request, requirement_id)
    return services.region_requirement_retire(actor=scope_for(request.user), requirement=t, expected_version=payload.version)


@router.post("/adopt-starter-set", response=AdoptOut)
def adopt_starter_set(request):
    return {"created": len(services.starter_set_adopt(school=_managed_school(request), user=request.user))}


@router.post("/plan-import", response=list[ProposalOut])
def plan_proposals(request, payload: PlanIn):
    """Proposals only: nothing is saved until they are POSTed to /requirements."""
    _managed_school(request)
    return [p.as_dict() for p in plan_import.extract(payload.text[:200_000])]


@progress_router.get("/me", response=list[ProgressOut])
def my_progress(request):
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    return selectors.progress_for_teacher(scope.teacher)


@progress_router.get("/teachers/{teacher_id}", response=list[ProgressOut])
def teacher_progress(request, teacher_id: int):
    scope = scope_for(request.user)
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=teacher_id)
    if not selectors.may_see_progress_of(scope, teacher):
        raise Http404
    return selectors.progress_for_teacher(teacher)


@progress_router.get("/school", response=GridOut)
def school_progress(request, group_id: int | None = None, school_id: int | None = None):
    """The compliance grid: admins for their school (optionally one group); a leader
    for a group they lead (group_id required); platform admins any school (school_id)."""
    scope = scope_for(request.user)
    school_id = school_id if (school_id and scope.is_platform_admin) else scope.school_id
    if school_id is None:
        raise Http404
    is_admin = scope.admin_of(school_id)
    group = None
    if group_id:
        group = get_object_for_user(request.user, Group, pk=group_id, school_id=school_id)
        if not is_admin and group.pk not in scope.led_group_ids:
            raise Http404
    elif not is_admin:
        raise Http404
    school = School.objects.get(pk=school_id)
    term = current_term(school_id)
    grid = selectors.progress_for_school(school, term) if term else None
    if grid is None:
        raise Http404
    rows = selectors.grid_rows(grid, group=group)
    return {
        "school_id": school.pk,
        "term": term.name,
        "group_id": group.pk if group else None,
        "requirements": grid.requirements,
        "teachers": rows,
    }
