"""The school's own Word templates: download the default or the current one, upload an
edited one (checked first), the placeholder reference with example values, a preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.formatting import DOCX, file_response
from xiaoben.core.scope import scope_for
from xiaoben.org.models import School

from . import selectors, services
from .templates_docx import active_template, default_template_bytes, document_kinds


def _school(request) -> School:
    return selectors.template_school(scope_for(request.user))


def _kind(document: str):
    kind = document_kinds().get(document)
    if kind is None:
        raise Http404
    return kind


@login_required
def templates_page(request):
    school = _school(request)
    rows = []
    for kind in document_kinds().values():
        rows.append(
            {
                "kind": kind,
                "active": active_template(school, kind.key),
                "history": selectors.template_history(school, kind.key),
            }
        )
    return render(request, "reports/templates.html", {"rows": rows, "school": school})


@login_required
def template_default(request, document: str):
    _school(request)
    kind = _kind(document)
    return file_response(f"默认模板-{kind.label}.docx", DOCX, default_template_bytes(kind.key))


@login_required
def template_current(request, document: str):
    school = _school(request)
    kind = _kind(document)
    tpl = active_template(school, kind.key)
    if tpl is None:
        return file_response(f"默认模板-{kind.label}.docx", DOCX, default_template_bytes(kind.key))
    with tpl.file.open("rb") as f:
        return file_response(f"{school.short_name or school.name}模板-{kind.label}.docx", DOCX, f.read())


@require_POST
@login_required
def template_upload(request, document: str):
    school = _school(request)
    kind = _kind(document)
    try:
        services.template_upload(
            actor=scope_for(request.user), school=school, document=kind.key, upload=request.FILES.get("file"), user=request.user
        )
    except ValidationError as e:
        messages.error(request, "模板未启用：" + "；".join(e.messages) + " 原来的模板继续使用。")
    else:
        messages.success(request, f"“{kind.label}”模板已上传并启用。可以点“预览”用本校数据试一试。")
    return redirect("reports:templates")


@require_POST
@login_required
def template_reset(request, document: str):
    school = _school(request)
    kind = _kind(document)
    services.template_reset(actor=scope_for(request.user), school=school, document=kind.key)
    messages.success(request, f"“{kind.label}”已恢复为默认格式。")
    return redirect("reports:templates")


@login_required
def template_preview(request, document: str):
    """The document with this school's data (a recent record), in the template in force; the
    example values when the school has no such record yet."""
    school = _school(request)
    kind = _kind(document)
    scope = scope_for(request.user)
    if kind.key == "summary":
        from xiaoben.org.selectors import current_term

        from . import selectors
        from .views_summary import summary_docx_bytes

        term = current_term(school.pk)
        if term is None:
            raise Http404
        return file_response(*summary_docx_bytes(scope, selectors.period_for(scope, {"term": term.pk})))
    out = kind.preview(scope, school) if kind.preview else None
    if out is None:
        from .templates_docx import _render_bytes

        tpl = active_template(school, kind.key)
        if tpl is not None:
            with tpl.file.open("rb") as f:
                data = f.read()
        else:
            data = default_template_bytes(kind.key)
        out = (f"预览-{kind.label}.docx", DOCX, _render_bytes(data, kind.example))
    return file_response(*out)
