from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.encoding import escape_uri_path

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import Term
from xiaoben.org.selectors import current_term


def _file(content: bytes, mimetype: str, filename: str) -> HttpResponse:
    r = HttpResponse(content, content_type=mimetype)
    r["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(filename)}"
    return r


def _term(request, school_id):
    tid = request.GET.get("term")
    if tid:
        term = get_object_for_user(request.user, Term, Term.objects.select_related("school_year"), pk=tid)
        if term.school_id != school_id:
            raise Http404
        return term
    term = current_term(school_id)
    if term is None:
        raise Http404
    return term


@login_required
def teacher_docx(request):
    """One teacher's writings of a term as one Word file: one's own, or (for admins) a colleague's."""
    return export_response(
        request,
        "writings.term_docx",
        {"teacher": request.GET.get("teacher"), "term": request.GET.get("term"), "drafts": request.GET.get("drafts") == "1"},
    )


@require_perm("reports:export")
def school_xlsx(request):
    return export_response(request, "writings.school_xlsx", {"term": request.GET.get("term")})
