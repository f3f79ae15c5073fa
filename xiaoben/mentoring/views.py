"""Pages of 师徒结对: the school overview, a pair, its monthly report, notes and
evaluations, and the records behind every number. Admin screens live in views_admin."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.selectors import current_term, school_for_scope, today

from . import predicates as can
from . import selectors, services
from .forms import EvaluationForm, NoteForm, ReportForm
from .models import Direction, EvaluationRole, Mentorship, MentorshipEvaluation, MentorshipNote, MentorshipReport
from .scopes import can_see_private, lead_school_ids


def school_and_year(request, scope):
    """The school the page is about (a member school) and the school year asked for."""
    school = school_for_scope(scope, int_param(request.GET.get("school")))
    if school is None or not (scope.is_platform_admin or school.pk in scope.member_school_ids):
        raise Http404
    years = selectors.school_years(scope, school)
    year = next((y for y in years if y.pk == int_param(request.GET.get("year"))), None)
    if year is None:
        term = current_term(school.pk)
        year = term.school_year if term else (years[0] if years else None)
    if year is None:
        raise Http404
    return school, year, years


def get_pair(request, pk) -> Mentorship:
    return get_object_for_user(
        request.user, Mentorship, Mentorship.objects.select_related("school", "school_year", "mentor", "mentee"), pk=pk
    )


@login_required
def overview(request):
    """Every pair of the school with its progress, overdue 月报表 and the totals."""
    scope = scope_for(request.user)
    school, year, years = school_and_year(request, scope)
    pairs = list(selectors.pair_list(user=request.user, school_id=school.pk, school_year_id=year.pk))
    term = current_term(school.pk)
    term = term if term and term.school_year_id == year.pk else None
    bounds = selectors.year_bounds(year)
    progress, year_sum, term_sum = selectors.progress_for(pairs, school_id=school.pk, school_year=year, bounds=bounds, term=term)
    is_lead = scope.is_platform_admin or school.pk in lead_school_ids(scope)
    selectors.attach_report_status(progress, bounds=bounds, today=today(), grace=selectors.grace_days(school))
    labels = []
    for pp in progress:
        for qp in pp.quotas:
            if qp.quota.label not in labels:
                labels.append(qp.quota.label)
    for pp in progress:
        by_label = {qp.quota.label: qp for qp in pp.quotas}
        pp.columns = [by_label.get(lbl) for lbl in labels]
        pp.mine = scope.teacher_id in (pp.pair.mentor_id, pp.pair.mentee_id)
    return render(
        request,
        "mentoring/overview.html",
        {
            "school": school,
            "year": year,
            "years": years,
            "term": term,
            "progress": progress,
            "labels": labels,
            "year_sum": year_sum,
            "term_sum": term_sum,
            "is_lead": is_lead,
            "can_manage": scope.can("mentoring:manage", school_id=school.pk),
            "can_records": scope.can("observations:read_school", school_id=school.pk),
            "overdue_count": sum(1 for pp in progress if pp.overdue_months),
            "mentee_observes": Direction.MENTEE_OBSERVES,
            "mentor_observes": Direction.MENTOR_OBSERVES,
        },
    )


@login_required
def detail(request, pk: int):
    pair = get_pair(request, pk)
    scope = scope_for(request.user)
    bounds = selectors.year_bounds(pair.school_year)
    term = current_term(pair.school_id)
    term = term if term and term.school_year_id == pair.school_year_id else None
    (pp,), _, _ = selectors.progress_for([pair], school_id=pair.school_id, school_year=pair.school_year, bounds=bounds, term=term)
    selectors.attach_report_status([pp], bounds=bounds, today=today(), grace=selectors.grace_days(pair.school))
    private = can_see_private(scope, pair)
    is_pair = scope.teacher_id in (pair.mentor_id, pair.mentee_id)
    is_lead = scope.is_platform_admin or pair.school_id in lead_school_ids(scope)
    ctx = {
        "pair": pair,
        "pp": pp,
        "private": private,
        "is_pair": is_pair,
        "is_lead": is_lead,
        "can_manage": scope.can("mentoring:manage", school_id=pair.school_id),
        "can_records": private or scope.can("observations:read_school", school_id=pair.school_id),
        "observe_url": _observe_url(pair, scope.teacher_id),
    }
    if private:
        reports = {r.month: r for r in visible_to(request.user, MentorshipReport).filter(mentorship=pair)}
        due = set(selectors.due_months(pair, bounds, today(), selectors.grace_days(pair.school)))
        first = max(pair.start_date, bounds[0])
        ctx["months"] = [
            {"month": m, "report": reports.get(m), "overdue": m in due and m not in reports}
            for m in reversed(selectors.months_between(first, min(bounds[1], today())))
        ]
        ctx["notes"] = visible_to(request.user, MentorshipNote).filter(mentorship=pair).select_related("author")
        evs = {e.role: e for e in visible_to(request.user, MentorshipEvaluation).filter(mentorship=pair)}
        ctx["evaluations"] = [
            {"role": r, "label": r.label, "ev": evs.get(r.value), "can": can.can_evaluate(scope, pair, r.value)} for r in EvaluationRole
        ]
        ctx["note_form"] = NoteForm()
    return render(request, "mentoring/detail.html", ctx)


def _observe_url(pair: Mentorship, teacher_id: int | None) -> str:
    """Record an observation of the other member of the pair."""
    other = pair.mentee_id if teacher_id == pair.mentor_id else pair.mentor_id
    return reverse("observations:new") + f"?teacher={other}&kind=mentor"


def _parse_month(ym: str) -> dt.date:
    try:
        return dt.datetime.strptime(ym, "%Y-%m").date()
    except ValueError:
        raise Http404 from None


@login_required
def report(request, pk: int, ym: str):
    """月报表: opens with the month's counts already taken from the records."""
    pair = get_pair(request, pk)
    scope = scope_for(request.user)
    if not can_see_private(scope, pair):
        raise Http404
    month = _parse_month(ym)
    existing = visible_to(request.user, MentorshipReport).filter(mentorship=pair, month=month).first()
    can_file = can.in_pair(scope, pair)
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            try:
                services.report_file(actor=scope, pair=pair, month=month, today=today(), **form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, f"{month.year}年{month.month}月月报表已提交。")
                return redirect("mentoring:detail", pk=pair.pk)
    else:
        form = ReportForm(initial={"work_done": existing.work_done, "next_plan": existing.next_plan} if existing else None)
    return render(
        request,
        "mentoring/report.html",
        {
            "pair": pair,
            "month": month,
            "form": form,
            "counts": selectors.month_counts(pair, month),
            "existing": existing,
            "can_file": can_file,
        },
    )


@require_POST
@login_required
def note_add(request, pk: int):
    pair = get_pair(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(actor=scope_for(request.user), pair=pair, text=form.cleaned_data["text"])
            messages.success(request, "指导记录已保存。")
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
    else:
        messages.error(request, "请填写指导记录（不超过5000字）。")
    return redirect("mentoring:detail", pk=pair.pk)


@login_required
def evaluate(request, pk: int, role: str):
    pair = get_pair(request, pk)
    scope = scope_for(request.user)
    if role not in EvaluationRole.values or not can_see_private(scope, pair) or not can.can_evaluate(scope, pair, role):
        raise Http404  # the form is shown only to whoever may fill it in
    existing = visible_to(request.user, MentorshipEvaluation).filter(mentorship=pair, role=role).first()
    if request.method == "POST":
        form = EvaluationForm(request.POST, role=role)
        if form.is_valid():
            try:
                services.evaluation_save(actor=scope, pair=pair, role=role, **form.cleaned_data)
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, "评价已保存。")
                return redirect("mentoring:detail", pk=pair.pk)
    else:
        form = EvaluationForm(role=role, initial={"grade": existing.grade, "comment": existing.comment} if existing else None)
    return render(request, "mentoring/evaluate.html", {"pair": pair, "form": form, "role": role})


@login_required
def records(request):
    """The observations behind a number of the overview (through the observations door)."""
    scope = scope_for(request.user)
    school, year, _ = school_and_year(request, scope)
    pair = None
    if request.GET.get("pair"):
        pair = get_object_for_user(
            request.user, Mentorship, Mentorship.objects.select_related("mentor", "mentee"), pk=int_param(request.GET.get("pair"))
        )
        if pair.school_id != school.pk or pair.school_year_id != year.pk:
            raise Http404
    direction = request.GET.get("direction", "")
    direction = direction if direction in Direction.values else ""
    kind = request.GET.get("kind", "")
    start = end = None
    period = request.GET.get("period", "")
    term = current_term(school.pk)
    if period == "term" and term and term.school_year_id == year.pk:
        start, end = term.start_date, term.end_date
    quota = None
    if request.GET.get("quota") and pair is not None:
        qid = int_param(request.GET.get("quota"))
        quota = next((q for q in selectors.quota_requirements(school.pk, year.pk) if q.pk == qid), None)
        if quota:
            direction, kind = quota.direction, quota.kind
    qs = selectors.records(
        user=request.user, pair=pair, school_id=school.pk, school_year=year, direction=direction, kind=kind, start=start, end=end
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    keep = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page")
    return render(
        request,
        "mentoring/records.html",
        {
            "school": school,
            "year": year,
            "pair": pair,
            "direction": direction,
            "direction_label": Direction(direction).label if direction else "",
            "kind": kind,
            "quota": quota,
            "period": period,
            "page": page,
            "query": keep,
            "detail_url": "observations:detail",
        },
    )
