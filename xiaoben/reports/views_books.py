"""Record books and portfolios as pages, with their Word download through the registry."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import SchoolYear, Term
from xiaoben.org.selectors import current_term

from . import record_books as rb
from . import selectors
from .exports import group_and_term, reachable_teacher


def _term_id(request, school_id):
    if request.GET.get("term"):
        return request.GET["term"]
    t = current_term(school_id)
    if t is None:
        raise Http404
    return t.pk


@login_required
def activity_book(request):
    scope = scope_for(request.user)
    gid = request.GET.get("group") or next(iter(sorted(scope.led_group_ids)), None)
    if not gid:
        raise Http404
    params = {"group": gid, "term": _term_id(request, scope.school_id)}
    if request.GET.get("format") == "docx":
        return export_response(request, "reports.activity_book_docx", params)
    group, term = group_and_term(scope, params)
    return render(
        request, "reports/activity_book.html", {"book": rb.activity_book(group, term), "query": f"group={group.pk}&term={term.pk}"}
    )


@login_required
def observation_book(request):
    scope = scope_for(request.user)
    teacher = reachable_teacher(scope, request.GET.get("teacher"))
    term = get_object_for_user(scope, Term, Term.objects.select_related("school_year"), pk=_term_id(request, teacher.school_id))
    if term.school_id != teacher.school_id:
        raise Http404
    if request.GET.get("format") == "docx":
        return export_response(request, "reports.observation_book_docx", {"teacher": teacher.pk, "term": term.pk})
    return render(
        request,
        "reports/observation_book.html",
        {"book": rb.observation_book(teacher, term), "query": f"teacher={teacher.pk}&term={term.pk}"},
    )


@login_required
def portfolio(request):
    scope = scope_for(request.user)
    teacher = reachable_teacher(scope, request.GET.get("teacher"))
    if request.GET.get("school_year"):
        year = get_object_for_user(scope, SchoolYear, pk=request.GET["school_year"])
    else:
        t = current_term(teacher.school_id)
        year = t.school_year if t else next(iter(selectors.school_years(teacher.school_id)), None)
    if year is None or year.school_id != teacher.school_id:
        raise Http404
    if request.GET.get("format") == "docx":
        return export_response(request, "reports.portfolio_docx", {"teacher": teacher.pk, "school_year": year.pk})
    years = selectors.school_years(teacher.school_id)
    return render(
        request,
        "reports/portfolio.html",
        {"p": rb.portfolio(teacher, year), "years": years, "query": f"teacher={teacher.pk}&school_year={year.pk}"},
    )
