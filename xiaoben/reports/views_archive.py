"""学期归档 pages: the terms of the school, what is unfinished, close, reopen, download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.formatting import ZIP, file_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import Term

from . import selectors, services


def _term(request, pk: int) -> Term:
    term = get_object_for_user(request.user, Term, Term.objects.select_related("school_year", "school"), pk=pk)
    if not scope_for(request.user).can("reports:export", school_id=term.school_id):
        raise Http404
    return term


@login_required
def terms(request):
    scope = scope_for(request.user)
    if not scope.school_id or not scope.can("reports:export", school_id=scope.school_id):
        raise Http404
    rows = selectors.school_terms(scope.school_id)
    closures = selectors.term_closures(rows)
    return render(request, "reports/terms.html", {"rows": [(t, closures.get(t.pk)) for t in rows]})


@login_required
def term_detail(request, pk: int):
    term = _term(request, pk)
    closure = selectors.term_closure(term)
    job = selectors.term_archive_job(term)
    return render(
        request,
        "reports/term.html",
        {
            "term": term,
            "closure": closure,
            "unfinished": [] if closure and closure.is_closed else selectors.unfinished_for_term(term),
            "log": selectors.term_closure_log(term),
            "job": job,
            "can_close": services.can_close_term(scope_for(request.user), term),
        },
    )


@require_POST
@login_required
def term_close(request, pk: int):
    term = _term(request, pk)
    try:
        services.term_close(actor=scope_for(request.user), term=term, user=request.user)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"{term.name}已归档，记录已设为只读；归档包正在生成。")
    return redirect("reports:term", pk=term.pk)


@require_POST
@login_required
def term_reopen(request, pk: int):
    term = _term(request, pk)
    try:
        services.term_reopen(actor=scope_for(request.user), term=term, user=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"{term.name}已重新开放，原因已记录。")
    return redirect("reports:term", pk=term.pk)


@login_required
def term_archive(request, pk: int):
    term = _term(request, pk)
    closure = selectors.term_closure(term)
    if closure is None or not closure.archive:
        raise Http404
    with closure.archive.open("rb") as f:
        return file_response(closure.archive_name or f"{term.name}归档.zip", ZIP, f.read())
