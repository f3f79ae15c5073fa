"""Admin screens of 师徒结对 (mentoring:manage): pair the new teachers in one screen,
the school's quotas, a pair's targets and mentor, and the printed agreements."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import today

from . import predicates as can
from . import selectors, services
from .forms import PairEditForm, QuotaRuleFormSet
from .models import Grade
from .scopes import can_see_private
from .views import get_pair, school_and_year


def _manage_school(request):
    scope = scope_for(request.user)
    school, year, years = school_and_year(request, scope)
    if not scope.can("mentoring:manage", school_id=school.pk):
        raise Http404
    return school, year, years


@require_perm("mentoring:manage")
def pair_bulk(request):
    """One screen: every new teacher without a pair, a suggested same-subject mentor
    (editable), one start date and one set of goals; one click pairs them all."""
    school, year, _ = _manage_school(request)
    rows, mentors = selectors.mentor_suggestions(school=school, school_year=year, today=today())
    start_date = today()
    goals = services.DEFAULT_GOALS
    errors: list[str] = []
    if request.method == "POST":
        goals = request.POST.get("goals", "").strip()[:5000]
        try:
            start_date = dt.date.fromisoformat(request.POST.get("start_date", ""))
        except ValueError:
            errors.append("结对日期格式不正确，应为 年-月-日。")
        pairs = []
        for r in rows:
            t = r["teacher"]
            if request.POST.get(f"pick_{t.pk}"):
                mentor_id = int_param(request.POST.get(f"mentor_{t.pk}"))
                if mentor_id not in {m.pk for m in mentors}:
                    errors.append(f"请为{t.name}选择一位本校师傅。")
                else:
                    pairs.append((t.pk, mentor_id))
                r["picked"], r["chosen"] = True, mentor_id
            else:
                r["picked"], r["chosen"] = False, int_param(request.POST.get(f"mentor_{t.pk}"))
        if not errors:
            try:
                created = services.mentorships_create_bulk(
                    actor=scope_for(request.user), school=school, school_year=year, pairs=pairs, start_date=start_date, goals=goals
                )
            except ValidationError as e:
                errors.extend(e.messages)
            else:
                messages.success(request, f"已结对{len(created)}对师徒，可打印结对协议书。")
                return redirect(f"{_url('mentoring:list')}?year={year.pk}")
    else:
        for r in rows:
            r["picked"], r["chosen"] = r["suggested"] is not None, r["suggested"].pk if r["suggested"] else None
    return render(
        request,
        "mentoring/bulk.html",
        {
            "school": school,
            "year": year,
            "rows": rows,
            "mentors": mentors,
            "start_date": start_date,
            "goals": goals,
            "errors": errors,
            "rules": selectors.quota_rules(school),
        },
    )


def _url(name, *args):
    from django.urls import reverse

    return reverse(name, args=args)


@require_perm("mentoring:manage")
def quotas(request):
    """The school's default quotas (seed 004's rules until it sets its own)."""
    school, year, _ = _manage_school(request)
    initial = selectors.quota_rules(school)
    if request.method == "POST":
        formset = QuotaRuleFormSet(request.POST, initial=initial)
        if formset.is_valid():
            rules = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("label") and not f.cleaned_data.get("DELETE")]
            try:
                services.quota_rules_save(actor=scope_for(request.user), school=school, rules=rules)
                messages.success(request, "听课要求已保存（即本校的量化要求），所有结对按此统计。")
                return redirect("mentoring:quotas")
            except ValidationError as e:
                messages.error(request, "；".join(e.messages))
    else:
        formset = QuotaRuleFormSet(initial=initial)
    return render(request, "mentoring/quotas.html", {"school": school, "year": year, "formset": formset})


@require_POST
@require_perm("mentoring:manage")
def pair_quotas(request, pk: int):
    pair = get_pair(request, pk)
    targets = {}
    for q in selectors.quota_requirements(pair.school_id, pair.school_year_id):
        v = int_param(request.POST.get(f"target_{q.pk}"))
        if v is None:
            messages.error(request, f"“{q.label}”的节数应为整数。")
            return redirect("mentoring:detail", pk=pair.pk)
        targets[q.pk] = v
    try:
        services.pair_quotas_update(actor=scope_for(request.user), pair=pair, targets=targets)
        messages.success(request, "本结对的听课指标已更新。")
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    return redirect("mentoring:detail", pk=pair.pk)


@require_perm("mentoring:manage")
def edit(request, pk: int):
    pair = get_pair(request, pk)
    scope = scope_for(request.user)
    if not can.can_manage(scope, pair.school_id):
        raise Http404  # the form is the school admins'
    mentors = selectors.mentor_choices(scope, pair)
    if request.method == "POST":
        form = PairEditForm(request.POST, mentors=mentors)
        if form.is_valid():
            try:
                services.mentorship_update(
                    actor=scope,
                    pair=pair,
                    mentor=next(t for t in mentors if t.pk == int(form.cleaned_data["mentor"])),
                    goals=form.cleaned_data["goals"],
                    is_active=form.cleaned_data["is_active"],
                )
            except ValidationError as e:
                form.add_error(None, e)
            else:
                messages.success(request, "结对信息已保存。")
                return redirect("mentoring:detail", pk=pair.pk)
    else:
        form = PairEditForm(mentors=mentors, initial={"mentor": pair.mentor_id, "goals": pair.goals, "is_active": pair.is_active})
    return render(request, "mentoring/edit.html", {"pair": pair, "form": form})


def _docx_response(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return resp


def agreement(request, pk: int):
    """One pair's 师徒结对协议书: for the pair, the lead and the school's admins."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    pair = get_pair(request, pk)
    scope = scope_for(request.user)
    if not (can_see_private(scope, pair) or scope.can("mentoring:manage", school_id=pair.school_id)):
        raise Http404
    return export_response(request, "mentoring.agreement_docx", {"pair": pair.pk})


@require_perm("mentoring:manage")
def agreements(request):
    """Every active pair's agreement of the year, one per page."""
    school, year, _ = _manage_school(request)
    if not selectors.active_pairs(scope_for(request.user), school=school, school_year=year):
        messages.error(request, "本学年还没有师徒结对。")
        return redirect("mentoring:list")
    return export_response(request, "mentoring.agreements_docx", {"school_year": year.pk})


@require_POST
def remind(request):
    """The lead reminds every pair with an overdue 月报表."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(reverse("mentoring:list"))
    scope = scope_for(request.user)
    school, year, _ = school_and_year(request, scope)
    pairs = selectors.active_pairs(scope, school=school, school_year=year)
    bounds = selectors.year_bounds(year)
    progress = [selectors.PairProgress(pair=p) for p in pairs]
    selectors.attach_report_status(progress, bounds=bounds, today=today(), grace=selectors.grace_days(school))
    n = services.reports_remind(actor=scope, school=school, overdue=[(pp.pair, pp.overdue_months) for pp in progress])
    messages.success(request, f"已提醒{n}对师徒填报月报表。" if n else "没有逾期未交的月报表。")
    return redirect(f"{reverse('mentoring:list')}?year={year.pk}")


def ratings(request):
    """学年评价: the lead rates every pair's mentor and mentee (优秀/合格/不合格) on one screen."""
    if not request.user.is_authenticated:
        from django.contrib.auth.views import redirect_to_login

        return redirect_to_login(request.get_full_path())
    scope = scope_for(request.user)
    school, year, _ = school_and_year(request, scope)
    if not can.can_lead(scope, school.pk):
        raise Http404  # the screen is the lead's
    pairs = selectors.active_pairs(scope, school=school, school_year=year)
    progress, _, _ = selectors.progress_for(pairs, school_id=school.pk, school_year=year)
    evs = selectors.evaluations_by_pair(scope, pairs)
    if request.method == "POST":
        rows = [
            {
                "pair": p,
                "mentor_grade": request.POST.get(f"mentor_{p.pk}", ""),
                "mentee_grade": request.POST.get(f"mentee_{p.pk}", ""),
                "comment": request.POST.get(f"comment_{p.pk}", "")[:5000],
            }
            for p in pairs
        ]
        try:
            n = services.school_ratings_save(actor=scope, ratings=rows)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已保存{n}项学校评定。")
            return redirect(f"{reverse('mentoring:ratings')}?year={year.pk}")
    rows = []
    for pp in progress:
        pid = pp.pair.pk
        rows.append(
            {
                "pp": pp,
                "mentor_on_mentee": evs.get((pid, "mentor_on_mentee")),
                "school_on_mentor": evs.get((pid, "school_on_mentor")),
                "school_on_mentee": evs.get((pid, "school_on_mentee")),
            }
        )
    return render(request, "mentoring/ratings.html", {"school": school, "year": year, "rows": rows, "grades": Grade.choices})
