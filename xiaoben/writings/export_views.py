from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.utils.encoding import escape_uri_path

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import attach_references, get_object_for_user, visible_to
from xiaoben.org.models import School, Teacher, Term
from xiaoben.org.selectors import current_term

from . import exports
from .models import Writing


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
    scope = scope_for(request.user)
    tid = request.GET.get("teacher") or scope.teacher_id
    if not tid:
        raise Http404
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=tid)
    if not (scope.is_self(teacher.pk) or scope.admin_of(teacher.school_id)):
        raise Http404
    term = _term(request, teacher.school_id)
    rows = list(
        visible_to(request.user, Writing)
        .filter(author=teacher, term=term)
        .select_related("book", "reviewed_by")
        .order_by("written_on", "id")
    )
    return _file(exports.term_docx(teacher=teacher, term=term, writings=rows), exports.DOCX, f"{teacher.name}-{term.name}-研修文章.docx")


@require_perm("reports:export")
def school_xlsx(request):
    scope = scope_for(request.user)
    school = School.objects.filter(pk=scope.school_id).first()
    if school is None:
        raise Http404
    term = _term(request, school.pk)
    rows = (
        visible_to(request.user, Writing)
        .filter(school=school, term=term)
        .exclude(status="draft")
        .select_related("author", "reviewed_by", "similar_to__author")
        .order_by("author__staff_no", "written_on", "id")
    )
    rows = attach_references(request.user, rows, "similar_to")  # a source out of the exporter's reach stays unnamed
    return _file(exports.school_xlsx(school=school, term=term, writings=rows), exports.XLSX, f"{school.name}-{term.name}-研修文章.xlsx")
