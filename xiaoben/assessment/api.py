"""考核 API through the door: schemes, ranked results, a sheet with how each point was
earned, and the flow (self → review → confirm)."""

from decimal import Decimal

from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import selectors, services
from .models import AssessmentResult, AssessmentScheme

router = Router(tags=["考核"])


class ItemOut(Schema):
    id: int
    name: str
    points: Decimal
    source: str
    requirement_id: int | None


class SchemeOut(Schema):
    id: int
    school_id: int
    term_id: int
    term_name: str = Field(alias="term.name")
    name: str
    status: str
    items: list[ItemOut]


@router.get("/schemes", response=list[SchemeOut])
@paginate(PageNumberPagination, page_size=20)
def schemes(request):
    qs = visible_to(request.user, AssessmentScheme).select_related("term__school_year").prefetch_related("items").order_by("-id")
    return LazyPage(qs)


class ResultRowOut(Schema):
    id: int
    teacher_id: int
    teacher_name: str = Field(alias="teacher.name")
    staff_no: str = Field(alias="teacher.staff_no")
    total: Decimal
    rank: int
    status: str


@router.get("/schemes/{scheme_id}/results", response=list[ResultRowOut])
@paginate(PageNumberPagination, page_size=50)
def scheme_results(request, scheme_id: int):
    """Ranked results the caller may see (admins: the school; leaders: their groups; teachers: their own)."""
    scheme = get_object_for_user(request.user, AssessmentScheme, pk=scheme_id)
    return LazyPage(selectors.ranked_results(user=request.user, scheme=scheme))


class ComputeOut(Schema):
    computed: int


@router.post("/schemes/{scheme_id}/compute", response=ComputeOut)
def scheme_compute(request, scheme_id: int):
    """重新计分: recompute every sheet not yet confirmed from the records (school admins).
    A closed term is refused (403 with the reason)."""
    scheme = get_object_for_user(request.user, AssessmentScheme, pk=scheme_id)
    return {"computed": services.scheme_recompute(actor=scope_for(request.user), scheme=scheme)}


class ScoreOut(Schema):
    item_id: int
    item: str = Field(alias="item.name")
    points: Decimal = Field(alias="item.points")
    source: str = Field(alias="item.source")
    done: Decimal | None
    required: Decimal | None
    self_score: Decimal | None
    review_score: Decimal | None
    score: Decimal
    evidence: str
    evidence_url: str


class ResultOut(Schema):
    id: int
    scheme_id: int
    teacher_id: int
    teacher_name: str = Field(alias="teacher.name")
    status: str
    status_display: str = Field(alias="get_status_display")
    total: Decimal
    self_comment: str
    review_comment: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(r) -> list:
        return selectors.sheet(r)


def _result(request, result_id: int) -> AssessmentResult:
    return selectors.result_for(request.user, result_id)


@router.get("/results/{result_id}", response=ResultOut)
def result_detail(request, result_id: int):
    return _result(request, result_id)


class ScoresIn(Schema):
    scores: dict[int, Decimal | None] = {}
    comment: str = ""
    submit: bool = True


@router.post("/results/{result_id}/self", response=ResultOut)
def result_self(request, result_id: int, data: ScoresIn):
    r = services.result_self_assess(
        actor=scope_for(request.user), result=_result(request, result_id), scores=data.scores, comment=data.comment, submit=data.submit
    )
    r.refresh_from_db()
    return r


@router.post("/results/{result_id}/review", response=ResultOut)
def result_review(request, result_id: int, data: ScoresIn):
    r = services.result_review(actor=scope_for(request.user), result=_result(request, result_id), scores=data.scores, comment=data.comment)
    r.refresh_from_db()
    return r


@router.post("/results/{result_id}/confirm", response=ResultOut)
def result_confirm(request, result_id: int):
    r = services.result_confirm(actor=scope_for(request.user), result=_result(request, result_id))
    r.refresh_from_db()
    return r
