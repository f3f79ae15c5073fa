"""学时 API through the door: ledger entries and totals, training claims and their review."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Teacher
from xiaoben.org.selectors import today

from . import selectors, services
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


def _entry_out(e: HourEntry) -> dict:
    return {
        "id": e.pk,
        "teacher_id": e.teacher_id,
        "school_id": e.school_id,
        "term_id": e.term_id,
        "date": e.date,
        "hours": e.hours,
        "category": e.category,
        "category_display": e.get_category_display(),
        "source": e.source,
        "source_display": e.get_source_display(),
        "activity_id": e.activity_id,
        "source_ref": e.source_ref,
        "description": e.description,
    }


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
    return LazyPage(qs, _entry_out)


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


def _claim_out(c: TrainingClaim) -> dict:
    return {
        "id": c.pk,
        "school_id": c.school_id,
        "teacher_id": c.teacher_id,
        "teacher_name": c.teacher.name,
        "kind": c.kind,
        "title": c.title,
        "organiser": c.organiser,
        "start_date": c.start_date,
        "end_date": c.end_date,
        "hours": c.hours,
        "category": c.category,
        "status": c.status,
        "status_display": c.get_status_display(),
        "step": c.step,
        "chain": c.chain,
        "reject_reason": c.reject_reason,
    }


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
    return LazyPage(qs, _claim_out)


def _claim(request, claim_id: int) -> TrainingClaim:
    return get_object_for_user(request.user, TrainingClaim, TrainingClaim.objects.select_related("teacher", "school"), pk=claim_id)


@router.get("/claims/{claim_id}", response=ClaimOut)
def claim_detail(request, claim_id: int):
    return _claim_out(_claim(request, claim_id))


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
    scope = scope_for(request.user)
    if scope.teacher is None or not scope.can("hours:claim", scope.teacher.school_id):
        raise Http404
    c = services.claim_submit(teacher=scope.teacher, user=request.user, certificate=certificate, **data.dict())
    return 201, _claim_out(c)


class ApproveIn(Schema):
    comment: str = ""


class RejectIn(Schema):
    reason: str


@router.post("/claims/{claim_id}/approve", response=ClaimOut)
def claim_approve(request, claim_id: int, data: ApproveIn):
    c = services.claim_approve(claim=_claim(request, claim_id), user=request.user, comment=data.comment)
    return _claim_out(c)


@router.post("/claims/{claim_id}/reject", response=ClaimOut)
def claim_reject(request, claim_id: int, data: RejectIn):
    c = services.claim_reject(claim=_claim(request, claim_id), user=request.user, reason=data.reason)
    return _claim_out(c)
