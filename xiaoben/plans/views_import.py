"""Plan import, whole: upload or paste → the admin confirms sections, 月度安排 items and
quotas (doubtful ones not pre-ticked, duplicates shown and not re-added) → saved at once."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import current_term
from xiaoben.requirements.audiences import audience_choices
from xiaoben.requirements.models import Period
from xiaoben.requirements.plan_import import text_from_upload

from . import predicates as can
from . import selectors, services_import
from .forms import MONTHS, ImportForm
from .models import ItemKind, ItemOwner, PlanLevel, SectionKey


def _targets(scope):
    return list(selectors.school_terms(scope.school_id)), list(selectors.plan_groups(scope, kinds=None))


@login_required
def plan_import(request):
    scope = scope_for(request.user)
    is_admin = can.can_manage_school_plans(scope, scope.school_id)
    if scope.school_id is None or not (is_admin or scope.is_group_leader):
        raise Http404
    school = selectors.scope_school(scope)
    terms, groups = _targets(scope)
    ctx = {
        "terms": terms,
        "groups": groups,
        "is_admin": is_admin,
        "term_id": int_param(request.POST.get("term")) or getattr(current_term(school.pk), "pk", None),
        "level": request.POST.get("level") or (PlanLevel.SCHOOL if is_admin else PlanLevel.GROUP),
        "group_id": int_param(request.POST.get("group")),
        "span": request.POST.get("span") or "term",
        "title": request.POST.get("title", ""),
        "month_choices": MONTHS,
        "kind_choices": ItemKind.choices,
        "owner_choices": ItemOwner.choices,
        "key_choices": SectionKey.choices,
        "period_choices": Period.choices,
        "audience_choices": audience_choices(simple=True),
    }
    form = ImportForm(request.POST or None, request.FILES or None)
    step = request.POST.get("step")
    if request.method == "POST" and step == "save":
        return _save(request, scope, school, terms, groups, ctx)
    if request.method == "POST" and form.is_valid():
        try:
            text = form.cleaned_data.get("text") or ""
            if form.cleaned_data.get("upload"):
                text = text_from_upload(form.cleaned_data["upload"])
            preview = services_import.plan_import_preview(actor=scope, school=school, text=text)
        except ValidationError as e:
            form.add_error(None, "；".join(e.messages))
        else:
            if preview.empty:
                form.add_error(None, "没有在文本中找到章节、月度安排或量化要求。")
            else:
                ctx["preview"] = preview
                ctx["proposal_rows"] = [
                    (i, p, preview.duplicates.get(i), json.dumps(p.as_dict(), ensure_ascii=False)) for i, p in enumerate(preview.proposals)
                ]
                ctx["item_rows"] = [(i, it, json.dumps(it.as_dict(), ensure_ascii=False)) for i, it in enumerate(preview.items)]
    ctx["form"] = form
    return render(request, "plans/import.html", ctx)


def _rows(post, prefix: str) -> list[int]:
    n = int_param(post.get(f"{prefix}-count")) or 0
    return [i for i in range(min(n, 500)) if post.get(f"{prefix}-{i}-keep")]


def _save(request, scope, school, terms, groups, ctx):
    post = request.POST
    term = next((t for t in terms if t.pk == int_param(post.get("term"))), None)
    level = post.get("level") if post.get("level") in (PlanLevel.SCHOOL, PlanLevel.GROUP) else PlanLevel.SCHOOL
    group = next((g for g in groups if g.pk == int_param(post.get("group"))), None)
    sections = [
        {"title": post.get(f"sec-{i}-title", ""), "key": post.get(f"sec-{i}-key", "other"), "body": post.get(f"sec-{i}-body", "")}
        for i in _rows(post, "sec")
    ]
    items = []
    for i in _rows(post, "item"):
        try:
            data = json.loads(post.get(f"item-{i}-data") or "{}")
        except ValueError:
            data = {}
        data.update(
            title=post.get(f"item-{i}-title", ""),
            month=int_param(post.get(f"item-{i}-month")),
            kind=post.get(f"item-{i}-kind", "other"),
            owner=post.get(f"item-{i}-owner", "school"),
        )
        items.append(data)
    proposals = []
    for i in _rows(post, "req"):
        try:
            data = json.loads(post.get(f"req-{i}-data") or "{}")
            threshold = Decimal(post.get(f"req-{i}-threshold") or "0")
        except (ValueError, InvalidOperation):
            messages.error(request, f"第{i + 1}条要求的数量无效。")
            return redirect("plans:import")
        data.update(
            name=post.get(f"req-{i}-name", data.get("name", "")),
            period=post.get(f"req-{i}-period", data.get("period")),
            applies_to=post.get(f"req-{i}-applies_to", data.get("applies_to")),
            threshold=threshold,
        )
        proposals.append(data)
    try:
        plan, created, dups = services_import.plan_import_save(
            actor=scope,
            school=school,
            level=level,
            group=group if level == PlanLevel.GROUP else None,
            span=post.get("span") if post.get("span") in ("term", "year") else "term",
            term=term if post.get("span") != "year" else None,
            school_year=term.school_year if term and post.get("span") == "year" else None,
            title=post.get("title", ""),
            sections=sections,
            items=items,
            proposals=proposals,
        )
    except ValidationError as e:
        for m in e.messages:
            messages.error(request, m)
        return redirect("plans:import")
    messages.success(request, f"已导入计划：{len(sections)}个部分、{len(items)}项月度安排、{len(created)}条量化要求。")
    for p, dup in dups:
        messages.info(request, f"“{p.get('name')}”与学校已有的要求“{dup.name}”相同，没有重复添加。")
    return redirect("plans:detail", plan.pk)
