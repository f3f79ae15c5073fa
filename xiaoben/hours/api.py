"""学时 API through the door: ledger entries and totals, training claims and their review."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import School, Teacher
from xiaoben.org.selectors import today

from . import importer, selectors, services
from .models import HourEntry, TrainingClaim

router = Router(tags=["学时"])


class EntryOut(Schema):
    id: int
    teacher_id: int
    school_id: int
    term_id: int | None
    date: dt.date
    hours: Decimal
    category: str
    category_display: str
    source: str
    source_display: str
    activity_id: int | None
    source_ref: str
    description: str

    @staticmethod
    def resolve_category_display(e: HourEntry) -> str:
        return e.get_category_display()

    @staticmethod
    def resolve_source_display(e: HourEntry) -> str:
        return e.get_source_display()


@router.get("/entries", response=list[EntryOut])
@paginate(PageNumberPagination, page_size=50)
def entries(request, teacher_id: int | None = None, year: int | None = None, category: str = ""):
    """Ledger rows the caller may see (own; admins their school's)."""
    qs = visible_to(request.user, HourEntry).order_by("-date", "-id")
    if teacher_id:
        qs = qs.filter(teacher_id=teacher_id)
    if year:
        qs = qs.filter(date__year=year)
    if category:
        qs = qs.filter(category=category)
    return qs


class SummaryOut(Schema):
    teacher_id: int
    year: int
    year_target: Decimal
    year_total: Decimal
    cycle_start: int
    cycle_end: int
    cycle_target: Decimal
    cycle_total: Decimal
    by_category: dict[str, dict[str, Decimal]]


@router.get("/summary/{teacher_id}", response=SummaryOut)
def summary(request, teacher_id: int, year: int | None = None):
    """Totals against the yearly target and the five-year cycle (self, or the school's admins)."""
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=teacher_id)
    scope = scope_for(request.user)
    if not (scope.is_self(teacher.pk) or scope.admin_of(teacher.school_id)):
        raise Http404
    s = selectors.ledger_summary(teacher, year or today().year)
    return {
        "teacher_id": teacher.pk,
        "year": s.year,
        "year_target": s.targets.year,
        "year_total": s.year_totals["total"],
        "cycle_start": s.targets.cycle_start,
        "cycle_end": s.targets.cycle_end,
        "cycle_target": s.targets.cycle,
        "cycle_total": s.cycle_totals["total"],
        "by_category": {r["code"]: {"year": r["year"], "cycle": r["cycle"]} for r in s.rows()},
    }


class ClaimOut(Schema):
    id: int
    school_id: int
    teacher_id: int
    teacher_name: str
    kind: str
    title: str
    organiser: str
    start_date: dt.date
    end_date: dt.date
    hours: Decimal
    category: str
    status: str
    status_display: str
    step: str
    chain: list[str]
    reject_reason: str

    @staticmethod
    def resolve_teacher_name(c: TrainingClaim) -> str:
        return c.teacher.name

    @staticmethod
    def resolve_status_display(c: TrainingClaim) -> str:
        return c.get_status_display()


@router.get("/claims", response=list[ClaimOut])
@paginate(PageNumberPagination, page_size=50)
def claims(request, status: str = "", to_review: bool = False):
    """Claims the caller may see; `to_review=true` → only those waiting for the caller."""
    if to_review:
        qs = selectors.claims_to_review(scope=scope_for(request.user), status=status or "pending")
    else:
        qs = visible_to(request.user, TrainingClaim).select_related("teacher").order_by("-submitted_at", "-id")
        if status:
            qs = qs.filter(status=status)
    return qs


def _claim(request, claim_id: int) -> TrainingClaim:
    return get_object_for_user(request.user, TrainingClaim, TrainingClaim.objects.select_related("teacher", "school"), pk=claim_id)


@router.get("/claims/{claim_id}", response=ClaimOut)
def claim_detail(request, claim_id: int):
    return _claim(request, claim_id)


class ClaimIn(Schema):
    kind: str
    title: str
    organiser: str
    category: str
    start_date: dt.date
    end_date: dt.date
    hours: Decimal


@router.post("/claims", response={201: ClaimOut})
def claim_create(request, data: Form[ClaimIn], certificate: File[UploadedFile]):
    """A teacher claims hours (multipart: the fields plus `certificate`, PDF or image)."""
    c = services.claim_submit(actor=scope_for(request.user), certificate=certificate, **data.dict())
    return 201, c


class ApproveIn(Schema):
    comment: str = ""


class RejectIn(Schema):
    reason: str


@router.post("/claims/{claim_id}/approve", response=ClaimOut)
def claim_approve(request, claim_id: int, data: ApproveIn):
    c = services.claim_approve(actor=scope_for(request.user), claim=_claim(request, claim_id), comment=data.comment)
    return c


@router.post("/claims/{claim_id}/reject", response=ClaimOut)
def claim_reject(request, claim_id: int, data: RejectIn):
    c = services.claim_reject(actor=scope_for(request.user), claim=_claim(request, claim_id), reason=data.reason)
    return c


class ImportOut(Schema):
    created: int
    skipped: int
    total_hours: Decimal
    errors: list[str]


@router.post("/imports", response={200: ImportOut, 400: ImportOut})
def hours_import(request, file: File[UploadedFile]):
    """The school's 学时 .xlsx import (工号, 姓名, 培训名称, 类别, 学时, 日期): every row is checked,
    then all or nothing is saved. Row problems → 400 with one line per problem."""
    scope = scope_for(request.user)
    if scope.school_id is None:
        raise Http404
    school = get_object_for_user(request.user, School, pk=scope.school_id)
    result = importer.hours_import(actor=scope, school=school, upload=file)
    out = {
        "created": result.created,
        "skipped": result.skipped,
        "total_hours": result.total_hours,
        "errors": [str(e) for e in result.errors],
    }
    return (400 if result.errors else 200), out
