"""学期/学年 工作总结 pages: the assembled summary with linked numbers, editable prose,
the rows behind each number, and the .docx."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from xiaoben.core.formatting import DOCX, file_response, safe_filename
from xiaoben.core.scope import scope_for
from xiaoben.reportkit import summary as sm

from . import selectors, services, summary_doc
from .documents import render_document


def _chunks(period, paragraph, query: str):
    out = []
    for c in paragraph:
        if isinstance(c, sm.Figure):
            url = reverse("reports:summary_rows", args=[c.key]) + "?" + query if c.rows is not None else ""
            out.append({"fig": c, "url": url})
        else:
            out.append({"text": str(c)})
    return out


def summary_context(scope, period):
    sections = sm.build(period)
    draft = selectors.draft_for(period)
    prose = dict(draft.prose) if draft else {}
    problems_hint, steps_hint = summary_doc.hints(sections)
    query = selectors.period_query(period)
    return {
        "period": period,
        "sections": [
            {"s": s, "paragraphs": [_chunks(period, p, query) for p in s.paragraphs], "note": prose.get(f"section.{s.key}", "")}
            for s in sections
            if s.paragraphs  # a section that only gives hints (存在问题) has no heading of its own
        ],
        "raw_sections": sections,
        "draft": draft,
        "prose": prose,
        "title": (draft.title if draft and draft.title else summary_doc.default_title(period)),
        "problems": prose.get("problems") or problems_hint,
        "next_steps": prose.get("next_steps") or steps_hint,
        "problems_hint": problems_hint,
        "steps_hint": steps_hint,
        "query": query,
        "can_edit": services.can_edit_summary(scope, period),
    }


@login_required
def summary_page(request):
    scope = scope_for(request.user)
    period = selectors.period_for(scope, request.GET)
    ctx = summary_context(scope, period)
    if period.region is None:
        school_id = period.schools[0].pk
        ctx["terms"] = selectors.school_terms(school_id)
        ctx["groups"] = selectors.summary_groups(scope, school_id)
    return render(request, "reports/summary.html", ctx)


@require_POST
@login_required
def summary_save(request):
    scope = scope_for(request.user)
    period = selectors.period_for(scope, request.GET)
    prose = {k: v for k, v in request.POST.items() if k in services.PROSE_KEYS or k.startswith("section.")}
    if request.POST.get("reset") == "hints":
        prose.update({"problems": "", "next_steps": ""})
    try:
        services.summary_draft_save(
            actor=scope, period=period, prose=prose, title=request.POST.get("title", ""), expected_version=request.POST.get("version")
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, "草稿已保存。数字每次打开时按最新记录重新计算，文字保留。")
    return redirect(reverse("reports:summary") + "?" + selectors.period_query(period))


@login_required
def summary_rows(request, key: str):
    scope = scope_for(request.user)
    period = selectors.period_for(scope, request.GET)
    fig, rows = selectors.figure_rows(scope, period, key)
    page = Paginator(rows.order_by("-pk") if not rows.query.order_by else rows, 50).get_page(request.GET.get("page"))
    describe = fig.describe or (lambda o: {"title": str(o)})
    visible = page.paginator.count
    return render(
        request,
        "reports/summary_rows.html",
        {
            "period": period,
            "fig": fig,
            "rows": [describe(o) for o in page.object_list],
            "page": page,
            "hidden": max(0, int(fig.value) - visible) if fig.is_count else 0,
            "query": selectors.period_query(period),
        },
    )


def summary_docx_bytes(scope, period) -> tuple[str, str, bytes]:
    sections = sm.build(period)
    draft = selectors.draft_for(period)
    ctx = summary_doc.context(period, sections, dict(draft.prose) if draft else {}, draft.title if draft else "")
    data = render_document("summary", period.schools[0] if period.region is None else None, ctx, summary_doc.default_docx)
    return safe_filename(f"{ctx['title']}.docx"), DOCX, data


@login_required
def summary_docx(request):
    scope = scope_for(request.user)
    period = selectors.period_for(scope, request.GET)
    return file_response(*summary_docx_bytes(scope, period))
