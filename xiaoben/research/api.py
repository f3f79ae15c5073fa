"""课题与成果 API through the door: projects and their stages and documents, achievements,
verify/return. Writes go through the same services as the pages (the actor is checked there)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import flow, selectors, services
from . import services_achievements as svc
from .models import Achievement, ResearchProject

router = Router(tags=["课题与成果"])


class StageOut(Schema):
    stage: str
    stage_display: str = Field(alias="get_stage_display")
    entered_on: dt.date
    due_on: dt.date | None
    decision: str
    note: str


class DocumentOut(Schema):
    id: int
    kind: str
    kind_display: str = Field(alias="get_kind_display")
    stage: str
    name: str
    size: int
    uploaded_at: dt.datetime = Field(alias="created_at")


class ProjectOut(Schema):
    id: int
    school_id: int
    title: str
    level: str
    level_display: str = Field(alias="get_level_display")
    number: str
    category: str
    leader_id: int
    leader_name: str = Field(alias="leader.name")
    member_ids: list[int]
    stage: str
    stage_display: str = Field(alias="get_stage_display")
    stage_due: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    visibility: str
    next_stages: list[str]

    @staticmethod
    def resolve_member_ids(p: ResearchProject) -> list[int]:
        return [m.teacher_id for m in p.memberships.all()]

    @staticmethod
    def resolve_next_stages(p: ResearchProject) -> list[str]:
        return [str(s) for s in flow.next_stages(p, list(p.stages.all()))]


def _project(request, project_id: int) -> ResearchProject:
    return get_object_for_user(
        request.user,
        ResearchProject,
        ResearchProject.objects.select_related("leader", "school").prefetch_related("memberships", "stages"),
        pk=project_id,
    )


@router.get("/projects", response=list[ProjectOut])
@paginate(PageNumberPagination, page_size=50)
def projects(request, level: str = "", stage: str = "", mine: bool = False):
    """Projects the caller may see (`stage=active` → 在研)."""
    qs = selectors.projects_visible(scope_for(request.user), level=level, stage=stage, mine=mine).prefetch_related("memberships", "stages")
    return qs


@router.get("/projects/{project_id}", response=ProjectOut)
def project_detail(request, project_id: int):
    return _project(request, project_id)


class ProjectIn(Schema):
    title: str
    level: str
    category: str = "planning"
    number: str = ""
    issuer: str = ""
    member_ids: list[int] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    summary: str = ""
    visibility: str = "school"
    stage_due: dt.date | None = None
    leader_id: int | None = None


@router.post("/projects", response={201: ProjectOut})
def project_create(request, data: ProjectIn):
    """Register (申报) a project; a teacher leads their own, admins name the leader."""
    from xiaoben.org.models import Teacher

    scope = scope_for(request.user)
    payload = data.dict()
    leader_id = payload.pop("leader_id") or scope.teacher_id
    leader = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=leader_id or 0)
    p = services.project_create(actor=scope, leader=leader, **payload)
    return 201, _project(request, p.pk)


@router.get("/projects/{project_id}/stages", response=list[StageOut])
def project_stages(request, project_id: int):
    p = _project(request, project_id)
    return list(p.stages.all())


class AdvanceIn(Schema):
    to_stage: str
    entered_on: dt.date | None = None
    due_on: dt.date | None = None
    decision: str = ""
    note: str = ""


@router.post("/projects/{project_id}/stages", response={201: StageOut})
def project_advance(request, project_id: int, data: AdvanceIn):
    """The school confirms a move (documents must be in; outside decisions need their 文号)."""
    s = services.project_stage_advance(actor=scope_for(request.user), project=_project(request, project_id), **data.dict())
    return 201, s


@router.get("/projects/{project_id}/documents", response=list[DocumentOut])
def project_documents(request, project_id: int):
    return list(_project(request, project_id).documents.all())


@router.post("/projects/{project_id}/documents", response={201: DocumentOut})
def project_document_add(request, project_id: int, kind: Form[str], file: File[UploadedFile]):
    """Upload a stage document (multipart: `kind` and `file`)."""
    d = services.project_document_add(actor=scope_for(request.user), project=_project(request, project_id), kind=kind, upload=file)
    return 201, d


class CreditOut(Schema):
    teacher_id: int
    teacher_name: str = Field(alias="teacher.name")
    share: Decimal
    points: Decimal


class AchievementOut(Schema):
    id: int
    school_id: int
    kind: str
    kind_display: str = Field(alias="get_kind_display")
    title: str
    level: str
    rank: str
    award: str = Field(alias="award_label")
    issuer: str
    date: dt.date
    honour_kind: str
    students: str
    project_id: int | None
    status: str
    status_display: str = Field(alias="get_status_display")
    return_reason: str
    has_evidence: bool
    credits: list[CreditOut]

    @staticmethod
    def resolve_has_evidence(a: Achievement) -> bool:
        return bool(a.evidence)


def _achievement(request, achievement_id: int) -> Achievement:
    return get_object_for_user(request.user, Achievement, Achievement.objects.prefetch_related("credits__teacher"), pk=achievement_id)


@router.get("/achievements", response=list[AchievementOut])
@paginate(PageNumberPagination, page_size=50)
def achievements(request, status: str = "", kind: str = "", level: str = "", teacher_id: int | None = None):
    """Achievements the caller may see (own; admins their school's)."""
    qs = visible_to(request.user, Achievement).prefetch_related("credits__teacher").order_by("-date", "-id")
    f = selectors.AchievementFilter(status=status, kind=kind, level=level)
    qs = f.apply(qs)
    if teacher_id:
        qs = qs.filter(credits__teacher_id=teacher_id)
    return qs


@router.get("/achievements/{achievement_id}", response=AchievementOut)
def achievement_detail(request, achievement_id: int):
    return _achievement(request, achievement_id)


class AchievementIn(Schema):
    kind: str
    title: str
    level: str
    rank: str = "none"
    issuer: str
    date: dt.date
    honour_kind: str = ""
    students: str = ""
    teacher_ids: list[int] = []
    shares: list[float] = []  # one per teacher_ids, adding up to 1; empty: equal parts
    project_id: int | None = None


@router.post("/achievements", response={201: AchievementOut})
def achievement_create(request, data: Form[AchievementIn], evidence: File[UploadedFile]):
    """Submit an achievement (multipart: the fields plus `evidence`, image or PDF)."""
    scope = scope_for(request.user)
    payload = data.dict()
    project_id = payload.pop("project_id")
    project = get_object_for_user(request.user, ResearchProject, pk=project_id) if project_id else None
    shares = [str(x) for x in payload.pop("shares")] or None
    a = svc.achievement_submit(
        actor=scope, evidence=evidence, project=project, teacher_ids=payload.pop("teacher_ids") or None, shares=shares, **payload
    )
    return 201, _achievement(request, a.pk)


@router.post("/achievements/{achievement_id}/verify", response=AchievementOut)
def achievement_verify(request, achievement_id: int):
    a = svc.achievement_verify(actor=scope_for(request.user), achievement=_achievement(request, achievement_id))
    return _achievement(request, a.pk)


class ReturnIn(Schema):
    reason: str


@router.post("/achievements/{achievement_id}/return", response=AchievementOut)
def achievement_return(request, achievement_id: int, data: ReturnIn):
    a = svc.achievement_return(actor=scope_for(request.user), achievement=_achievement(request, achievement_id), reason=data.reason)
    return _achievement(request, a.pk)
