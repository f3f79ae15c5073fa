"""师徒结对 API: pairs with their progress (counts, school-visible), monthly reports
(private to the pair and the lead), the school summary — through the door."""

import datetime as dt

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import SchoolYear
from xiaoben.org.selectors import current_term, school_for_scope, today

from . import selectors, services
from .models import Mentorship, MentorshipReport
from .scopes import can_see_private

router = Router(tags=["师徒结对"])


class PersonOut(Schema):
    id: int
    name: str


class QuotaOut(Schema):
    """One quota's progress (`selectors.QuotaProgress`)."""

    id: int = Field(alias="quota.id")
    label: str = Field(alias="quota.label")
    direction: str = Field(alias="quota.direction")
    kind: str = Field(alias="quota.kind")
    target: int
    count: int
    done: bool


class PairOut(Schema):
    """A pair with its progress (`selectors.progress_for`): the pair's fields come from `.pair`."""

    id: int = Field(alias="pair.id")
    school_id: int = Field(alias="pair.school_id")
    school_year: str = Field(alias="pair.school_year.name")
    mentor: PersonOut = Field(alias="pair.mentor")
    mentee: PersonOut = Field(alias="pair.mentee")
    subject: str = Field(alias="pair.subject")
    start_date: dt.date = Field(alias="pair.start_date")
    is_active: bool = Field(alias="pair.is_active")
    mentee_observed: int
    mentor_observed: int
    quotas: list[QuotaOut]


class ReportOut(Schema):
    id: int
    month: str
    mentee_observed: int
    mentor_observed: int
    work_done: str
    next_plan: str
    updated_at: dt.datetime

    @staticmethod
    def resolve_month(r) -> str:
        return r.month.strftime("%Y-%m")


class ReportIn(Schema):
    month: str  # "2026-10"
    work_done: str
    next_plan: str = ""


class PairIn(Schema):
    mentor_id: int
    mentee_id: int
    start_date: dt.date
    goals: str = ""
    year_id: int | None = None


class ResultOut(Schema):
    teacher_id: int
    as_mentor: str
    as_mentee: str


class SummaryOut(Schema):
    school_year: str
    term: str | None
    year_total: int
    year_guide: int
    year_report: int
    term_total: int
    term_guide: int
    term_report: int
    text: str


def _school_year(request, year_id: int | None) -> SchoolYear:
    scope = scope_for(request.user)
    if year_id:
        year = selectors.member_school_year(scope, year_id)
        if year is None:
            raise Http404
        return year
    school = school_for_scope(scope)
    term = current_term(school.pk) if school else None
    if term is None:
        raise Http404
    return term.school_year


@router.get("/pairs", response=list[PairOut])
@paginate(PageNumberPagination, page_size=50)
def pairs(request, year_id: int | None = None):
    """Pairs of a school year (default: the current one of one's school) with progress."""
    year = _school_year(request, year_id)
    qs = selectors.pair_list(user=request.user, school_id=year.school_id, school_year_id=year.pk)
    return LazyPage(qs, batch=lambda pairs: selectors.progress_for(pairs, school_id=year.school_id, school_year=year)[0])


@router.get("/pairs/{pair_id}", response=PairOut)
def pair(request, pair_id: int):
    p = get_object_for_user(request.user, Mentorship, Mentorship.objects.select_related("school_year", "mentor", "mentee"), pk=pair_id)
    (pp,), _, _ = selectors.progress_for([p], school_id=p.school_id, school_year=p.school_year)
    return pp


@router.get("/pairs/{pair_id}/reports", response=list[ReportOut])
def reports(request, pair_id: int):
    """月报表 of a pair: for the pair and the school's mentorship lead only."""
    p = get_object_for_user(request.user, Mentorship, pk=pair_id)
    if not can_see_private(scope_for(request.user), p):
        raise Http404
    return list(visible_to(request.user, MentorshipReport).filter(mentorship=p).order_by("-month"))


@router.post("/pairs/{pair_id}/reports", response={201: ReportOut})
def report_file(request, pair_id: int, data: ReportIn):
    """File (or refile) a month's report; the counts are taken from the records."""
    p = get_object_for_user(request.user, Mentorship, Mentorship.objects.select_related("school_year"), pk=pair_id)
    try:
        month = dt.datetime.strptime(data.month, "%Y-%m").date()
    except ValueError:
        from django.core.exceptions import ValidationError

        raise ValidationError("月份格式应为 2026-10。") from None
    r = services.report_file(
        actor=scope_for(request.user), pair=p, month=month, work_done=data.work_done, next_plan=data.next_plan, today=today()
    )
    return Status(201, r)


@router.get("/summary", response=SummaryOut)
def summary(request, year_id: int | None = None):
    """The school's totals in the words of a school summary."""
    year = _school_year(request, year_id)
    pairs_ = list(selectors.pair_list(user=request.user, school_id=year.school_id, school_year_id=year.pk))
    term = current_term(year.school_id)
    term = term if term and term.school_year_id == year.pk else None
    _, y, t = selectors.progress_for(pairs_, school_id=year.school_id, school_year=year, term=term)
    return {
        "school_year": year.name,
        "term": term.name if term else None,
        "year_total": y.total,
        "year_guide": y.guide,
        "year_report": y.report,
        "term_total": t.total,
        "term_guide": t.guide,
        "term_report": t.report,
        "text": f"新老教师相互听课{y.total}节，其中指导课{y.guide}节，汇报课{y.report}节。",
    }


@router.post("/pairs", response={201: PairOut})
def pair_create(request, data: PairIn):
    """结对 one pair (admins of the school: mentoring:manage); the school's quotas (requirements) apply to it."""
    from xiaoben.org.models import Teacher

    year = _school_year(request, data.year_id)
    teachers = {
        t.pk: t for t in visible_to(request.user, Teacher).filter(pk__in=[data.mentor_id, data.mentee_id], school_id=year.school_id)
    }
    if data.mentor_id not in teachers or data.mentee_id not in teachers:
        raise Http404
    p = services.mentorship_create(
        actor=scope_for(request.user),
        school=year.school,
        school_year=year,
        mentor=teachers[data.mentor_id],
        mentee=teachers[data.mentee_id],
        start_date=data.start_date,
        goals=data.goals,
    )
    p = get_object_for_user(request.user, Mentorship, Mentorship.objects.select_related("school_year", "mentor", "mentee"), pk=p.pk)
    (pp,), _, _ = selectors.progress_for([p], school_id=p.school_id, school_year=p.school_year)
    return Status(201, pp)


@router.get("/results", response=list[ResultOut])
def results(request, year_id: int | None = None):
    """The school's year-end ratings (等第) per teacher, for the assessment; the lead only."""
    from .scopes import lead_school_ids

    year = _school_year(request, year_id)
    scope = scope_for(request.user)
    if not (scope.is_platform_admin or year.school_id in lead_school_ids(scope)):
        raise Http404
    res = selectors.mentorship_results(school_id=year.school_id, school_year_id=year.pk)
    return [{"teacher_id": tid, **v} for tid, v in sorted(res.items())]
