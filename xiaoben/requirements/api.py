"""API: requirements (read by the school's staff, written with `requirements:manage`),
progress (own; a leader's groups; an admin's school), plan-import proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.errors import require
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Group, Region, Teacher
from xiaoben.org.selectors import current_term

from . import plan_import, selectors, services
from .engine import Progress
from .models import Audience, Requirement
from .predicates import can_manage_requirements
from .selectors import GridRow

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
    filters: dict[str, Any]
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
    filters: dict[str, Any] = {}
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
    filters: dict[str, Any] | None = None
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
    def resolve_requirement_id(p: Progress) -> int:
        return p.requirement.pk

    @staticmethod
    def resolve_requirement(p: Progress) -> str:
        return p.requirement.name

    @staticmethod
    def resolve_message(p: Progress) -> str:
        return p.message()


class TeacherProgressOut(Schema):
    """One row of the grid (`selectors.grid_rows`)."""

    teacher_id: int
    name: str
    staff_no: str
    progress: list[ProgressOut]

    @staticmethod
    def resolve_teacher_id(row: GridRow) -> int:
        return row.teacher.pk

    @staticmethod
    def resolve_name(row: GridRow) -> str:
        return row.teacher.name

    @staticmethod
    def resolve_staff_no(row: GridRow) -> str:
        return row.teacher.staff_no

    @staticmethod
    def resolve_progress(row: GridRow) -> list[Progress]:
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
    filters: dict[str, Any]
    applies_to: str
    group_kind: str
    description: str


class AdoptOut(Schema):
    created: int


@router.get("/", response=list[RequirementOut])
@paginate(PageNumberPagination, page_size=100)
def requirement_list(request: HttpRequest, school_id: int | None = None) -> QuerySet[Requirement]:
    qs = visible_to(request.user, Requirement).select_related("group").order_by("school_id", "order", "id")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs


@router.get("/{int:requirement_id}", response=RequirementOut)
def requirement_detail(request: HttpRequest, requirement_id: int) -> Requirement:
    return get_object_for_user(request.user, Requirement, pk=requirement_id)


@router.post("/", response={201: RequirementOut})
def requirement_create(request: HttpRequest, payload: RequirementIn) -> tuple[int, Requirement]:
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    data = payload.dict()
    group_id = data.pop("group_id")
    group = get_object_for_user(request.user, Group, pk=group_id, school_id=school.pk) if group_id else None
    return 201, services.requirement_create(actor=scope, school=school, group=group, **data)


@router.patch("/{int:requirement_id}", response=RequirementOut)
def requirement_update(request: HttpRequest, requirement_id: int, payload: RequirementPatch) -> Requirement:
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    r = get_object_for_user(request.user, Requirement, pk=requirement_id, school_id=school.pk)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    if "group_id" in changes:
        gid = changes.pop("group_id")
        changes["group"] = get_object_for_user(request.user, Group, pk=gid, school_id=school.pk) if gid else None
    services.requirement_update(actor=scope, requirement=r, expected_version=version, **changes)
    r.refresh_from_db()
    return r


@router.delete("/{int:requirement_id}", response={204: None})
def requirement_delete(request: HttpRequest, requirement_id: int) -> tuple[int, None]:
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    r = get_object_for_user(request.user, Requirement, pk=requirement_id, school_id=school.pk)
    services.requirement_delete(actor=scope, requirement=r)
    return 204, None


class RegionRequirementIn(RuleIn):
    region_id: int


class VersionIn(Schema):
    version: int


def _region_template(request: HttpRequest, requirement_id: int) -> Requirement:
    return get_object_for_user(request.user, Requirement, pk=requirement_id, school__isnull=True, region_id__isnull=False)


@router.post("/region", response={201: RequirementOut})
def region_requirement_create(request: HttpRequest, payload: RegionRequirementIn) -> tuple[int, Requirement]:
    """区域统一要求: saved for the region and copied into every school below it."""
    data = payload.dict()
    region = get_object_for_user(request.user, Region, pk=data.pop("region_id"))
    return 201, services.region_requirement_save(actor=scope_for(request.user), region=region, **data)


@router.patch("/region/{int:requirement_id}", response=RequirementOut)
def region_requirement_update(request: HttpRequest, requirement_id: int, payload: RulePatch) -> Requirement:
    t = _region_template(request, requirement_id)
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    assert t.region is not None  # a template (no school) belongs to a region
    services.region_requirement_save(actor=scope_for(request.user), region=t.region, requirement=t, expected_version=version, **changes)
    t.refresh_from_db()
    return t


@router.post("/region/{int:requirement_id}/retire", response=RequirementOut)
def region_requirement_retire(request: HttpRequest, requirement_id: int, payload: VersionIn) -> Requirement:
    t = _region_template(request, requirement_id)
    return services.region_requirement_retire(actor=scope_for(request.user), requirement=t, expected_version=payload.version)


@router.post("/adopt-starter-set", response=AdoptOut)
def adopt_starter_set(request: HttpRequest) -> dict[str, int]:
    scope = scope_for(request.user)
    return {"created": len(services.starter_set_adopt(actor=scope, school=selectors.managed_school(scope)))}


@router.post("/plan-import", response=list[ProposalOut])
def plan_proposals(request: HttpRequest, payload: PlanIn) -> list[dict[str, Any]]:
    """Proposals only: nothing is saved until they are POSTed to /requirements."""
    scope = scope_for(request.user)
    require(can_manage_requirements(scope, scope.school_id))
    return [p.as_dict() for p in plan_import.extract(payload.text[:200_000])]


@progress_router.get("/me", response=list[ProgressOut])
def my_progress(request: HttpRequest) -> list[Progress]:
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    return selectors.progress_for_teacher(scope.teacher)


@progress_router.get("/teachers/{teacher_id}", response=list[ProgressOut])
def teacher_progress(request: HttpRequest, teacher_id: int) -> list[Progress]:
    scope = scope_for(request.user)
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=teacher_id)
    if not selectors.may_see_progress_of(scope, teacher):
        raise Http404
    return selectors.progress_for_teacher(teacher)


@progress_router.get("/school", response=GridOut)
def school_progress(request: HttpRequest, group_id: int | None = None, school_id: int | None = None) -> dict[str, Any]:
    """The compliance grid, as the page shows it (`selectors.grid_access`): admins their school
    (optionally one group); a leader a group they lead (the first when none is given)."""
    access = selectors.grid_access(scope_for(request.user), school_id=school_id, group_id=group_id)
    term = current_term(access.school.pk)
    grid = selectors.progress_for_school(access.school, term) if term else None
    if term is None or grid is None:
        raise Http404
    rows = selectors.grid_rows(grid, group=access.group)
    return {
        "school_id": access.school.pk,
        "term": term.name,
        "group_id": access.group.pk if access.group else None,
        "requirements": grid.requirements,
        "teachers": rows,
    }
