"""Pages: the plans list, a plan (sections, 月度安排 with plan vs actual, approval trail),
creating and editing, items, approval actions. Thin: services decide, selectors read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.selectors import current_term

from . import predicates as can
from . import selectors, services, services_schedule
from .forms import ItemForm, MarkForm, PlanCreateForm, ReviewForm, SlotForm
from .models import Plan, PlanItem, PlanLevel, PlanSection, SectionKey

LEVEL_ORDER = [PlanLevel.REGION, PlanLevel.SCHOOL, PlanLevel.GROUP, PlanLevel.PERSONAL]


def _plan(request, pk: int) -> Plan:
    return get_object_for_user(
        request.user,
        Plan,
        Plan.objects.select_related("school", "group", "teacher", "term__school_year", "region", "supersedes", "created_by"),
        pk=pk,
    )


def _refuse_edit(scope, plan: Plan):
    """The writer may see why (submitted / approved); anyone else sees nothing to edit."""
    if can.can_write_plan(scope, plan):
        raise NotPermitted(services.closed_message(plan))
    raise Http404


def _errors(request, e: ValidationError) -> None:
    for m in e.messages:
        messages.error(request, m)


@login_required
def plan_list(request):
    scope = scope_for(request.user)
    level = request.GET.get("level", "")
    level = level if level in PlanLevel.values else ""
    plans = list(selectors.plan_list(user=request.user, level=level or None)[:200])
    sums = selectors.progress_summaries(plans)
    groups: dict[str, list] = {}
    for p in plans:
        groups.setdefault(p.level, []).append((p, sums.get(p.pk)))
    sections = [(PlanLevel(lv).label, groups[lv]) for lv in LEVEL_ORDER if lv in groups]
    return render(
        request,
        "plans/list.html",
        {
            "sections": sections,
            "level": level,
            "levels": PlanLevel.choices,
            "can_create": bool(_creatable_levels(scope)),
            "can_import": scope.school_id is not None and (can.can_manage_school_plans(scope, scope.school_id) or scope.is_group_leader),
        },
    )


def _creatable_levels(scope) -> list[str]:
    out = []
    if scope.is_region_staff and scope.can("region:activities"):
        out.append(PlanLevel.REGION)
    if scope.teacher is not None:
        out.append(PlanLevel.PERSONAL)
    if scope.is_group_leader or can.can_manage_school_plans(scope, scope.school_id):
        out.append(PlanLevel.GROUP)
    if can.can_manage_school_plans(scope, scope.school_id):
        out.append(PlanLevel.SCHOOL)
    return out


@login_required
def plan_create(request):
    scope = scope_for(request.user)
    levels = _creatable_levels(scope)
    if not levels:
        raise Http404
    school_id = scope.school_id
    terms = selectors.school_terms(school_id)
    copyable = visible_to(scope, Plan).filter(Q(school_id=school_id)).filter(is_current=True).order_by("-start_year", "-pk")
    level = request.GET.get("level") if request.GET.get("level") in levels else levels[-1]
    previous = services.previous_plan(actor=scope, level=level, school_id=school_id) if school_id else None
    initial = {"level": level, "term": current_term(school_id) if school_id else None, "copy_of": previous}
    if level == PlanLevel.REGION:
        from xiaoben.org.selectors import today

        day = today()
        initial |= {"span": "year", "start_year": day.year if day.month >= 8 else day.year - 1}
    form = PlanCreateForm(
        request.POST or None, levels=levels, groups=selectors.plan_groups(scope), terms=terms, copyable=copyable, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        term = d.get("term")
        try:
            if d["level"] == PlanLevel.REGION:
                plan = services.plan_create(
                    actor=scope,
                    level=PlanLevel.REGION,
                    region=selectors.scope_region(scope),
                    span="year",
                    start_year=d["start_year"],
                    title=d.get("title") or "",
                    start_from=d["start_from"] if d["start_from"] != "copy" else "template",
                )
                messages.success(request, "计划已建立，请填写各部分内容。")
                return redirect("plans:edit", plan.pk)
            plan = services.plan_create(
                actor=scope,
                level=d["level"],
                school=term.school,
                group=d.get("group") if d["level"] == PlanLevel.GROUP else None,
                span=d["span"],
                term=term if d["span"] == "term" else None,
                school_year=term.school_year if d["span"] == "year" else None,
                title=d.get("title") or "",
                start_from=d["start_from"],
                copy_of=d.get("copy_of"),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "计划已建立，请填写各部分内容。")
            return redirect("plans:edit", plan.pk)
    return render(request, "plans/create.html", {"form": form})


@login_required
def plan_detail(request, pk: int):
    scope = scope_for(request.user)
    plan = _plan(request, pk)
    progress = selectors.plan_progress(plan)
    versions = list(
        visible_to(scope, Plan)
        .filter(Q(pk=plan.supersedes_id) | Q(supersedes=plan))
        .only("id", "revision", "status", "is_current", "title")
        .order_by("revision")
    )
    open_items = [r.item for r in progress.rows if r.item.makes_activities and r.status == "not_yet"]
    item_month = services_schedule.item_months(plan, open_items)  # week-only items count in their week's month
    months = sorted(set(item_month.values()), key=selectors.MONTH_ORDER.index)
    return render(
        request,
        "plans/detail.html",
        {
            "plan": plan,
            "sections": list(plan.sections.all()),
            "progress": progress,
            "reviews": list(plan.reviews.select_related("actor")),
            "versions": versions,
            "can_edit": can.can_edit_plan(scope, plan),
            "can_write": can.can_write_plan(scope, plan),
            "can_submit": can.can_submit_plan(scope, plan),
            "can_publish": plan.level == PlanLevel.REGION and can.can_edit_plan(scope, plan),
            "can_review": can.can_review_plan(scope, plan),
            "can_new_version": can.can_new_version(scope, plan),
            "can_schedule": can.can_schedule_items(scope, plan) and plan.school_id is not None,
            "can_mark": can.can_mark_items(scope, plan),
            "schedule_months": months,
            "decisions": services.DECISIONS.get(plan.level, {}),
        },
    )


@login_required
def plan_edit(request, pk: int):
    scope = scope_for(request.user)
    plan = _plan(request, pk)
    if not can.can_edit_plan(scope, plan):
        _refuse_edit(scope, plan)
    sections = list(plan.sections.all())
    if request.method == "POST":
        try:
            with transaction.atomic():  # the sections and the title together, or nothing
                _save_plan_page(request, scope, plan, sections)
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已保存。")
            return redirect("plans:detail", plan.pk)
    ctx = {"plan": plan, "sections": sections, "key_choices": SectionKey.choices}
    return render(request, "plans/edit.html", ctx)


def _save_plan_page(request, scope, plan, sections) -> None:
    # Every save of the page is checked against the version the page was loaded with (a save of
    # the sections alone too): a stale copy of a section must not overwrite a newer one.
    services.plan_update(actor=scope, plan=plan, expected_version=request.POST.get("version"), title=request.POST.get("title", plan.title))
    for s in sections:
        prefix = f"s{s.pk}"
        if f"{prefix}-title" in request.POST:
            services.section_save(
                actor=scope,
                plan=plan,
                section=s,
                key=request.POST.get(f"{prefix}-key", s.key),
                title=request.POST.get(f"{prefix}-title", ""),
                body=request.POST.get(f"{prefix}-body", ""),
            )
    if (request.POST.get("new-title") or "").strip():
        services.section_save(
            actor=scope,
            plan=plan,
            key=request.POST.get("new-key", "other"),
            title=request.POST["new-title"],
            body=request.POST.get("new-body", ""),
        )


@require_POST
@login_required
def section_delete(request, pk: int, section_id: int):
    plan = _plan(request, pk)
    section = get_object_for_user(request.user, PlanSection, pk=section_id, plan=plan)
    services.section_delete(actor=scope_for(request.user), section=section)
    messages.success(request, "已删除这一部分。")
    return redirect("plans:edit", plan.pk)


@require_POST
@login_required
def insert_analysis(request, pk: int):
    plan = _plan(request, pk)
    try:
        services.section_insert_structure_analysis(actor=scope_for(request.user), plan=plan)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已在“现状分析”中插入教师队伍结构分析。")
    return redirect("plans:edit", plan.pk)


@login_required
def item_edit(request, pk: int, item_id: int | None = None):
    scope = scope_for(request.user)
    plan = _plan(request, pk)
    item = get_object_for_user(request.user, PlanItem, pk=item_id, plan=plan) if item_id else None
    if not can.can_edit_plan(scope, plan):
        _refuse_edit(scope, plan)
    form = ItemForm(request.POST or None, instance=item, school_id=plan.school_id)
    if request.method == "POST" and form.is_valid():
        try:
            if item:
                services.item_update(actor=scope, item=item, expected_version=form.cleaned_data.get("version"), **form.service_kwargs())
            else:
                services.item_create(actor=scope, plan=plan, **form.service_kwargs())
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, "已保存安排。")
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/item_form.html", {"plan": plan, "item": item, "form": form})


@require_POST
@login_required
def item_delete(request, pk: int, item_id: int):
    plan = _plan(request, pk)
    item = get_object_for_user(request.user, PlanItem, pk=item_id, plan=plan)
    try:
        services.item_delete(actor=scope_for(request.user), item=item)
    except ValidationError as e:
        _errors(request, e)
    return redirect("plans:detail", plan.pk)


@require_POST
@login_required
def item_mark(request, pk: int, item_id: int):
    plan = _plan(request, pk)
    item = get_object_for_user(request.user, PlanItem, pk=item_id, plan=plan)
    form = MarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "状态无效。")
    else:
        try:
            d = form.cleaned_data
            services.item_mark(
                actor=scope_for(request.user), item=item, state=d["state"], note=d["note"], expected_version=d.get("version")
            )
        except ValidationError as e:
            _errors(request, e)
    return redirect("plans:detail", plan.pk)


@require_POST
@login_required
def schedule_month(request, pk: int):
    plan = _plan(request, pk)
    try:
        month = int(request.POST.get("month") or 0)
        made = services_schedule.items_schedule_month(actor=scope_for(request.user), plan=plan, month=month)
    except (ValueError, ValidationError) as e:
        _errors(request, e if isinstance(e, ValidationError) else ValidationError("月份无效。"))
    else:
        if made:
            messages.success(request, f"已生成 {len(made)} 个活动草稿，请各组组长补全“四定”后发布。")
        else:
            messages.info(request, f"{month}月的安排都已生成过活动。")
    return redirect("plans:detail", plan.pk)


@login_required
def item_slot(request, pk: int, item_id: int):
    scope = scope_for(request.user)
    plan = _plan(request, pk)
    item = get_object_for_user(request.user, PlanItem, pk=item_id, plan=plan)
    if not can.can_schedule_items(scope, plan) or item.weekday is None:
        raise Http404
    groups = selectors.plan_groups(scope).filter(school_id=plan.school_id)
    teachers = selectors.school_teachers(plan.school_id)
    initial = {"group": item.group or plan.group, "period": item.period or 3}
    form = SlotForm(request.POST or None, groups=groups, teachers=teachers, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            slot, acts = services_schedule.item_make_slot(
                actor=scope,
                item=item,
                group=d["group"],
                period=d["period"],
                place=d.get("place") or "",
                host=d.get("host"),
                recorder=d.get("recorder"),
            )
        except ValidationError as e:
            _errors(request, e)
        else:
            messages.success(request, f"已排定{slot}：本学期共{len(acts)}次（草稿），请补全“四定”后发布。")
            return redirect("plans:detail", plan.pk)
    return render(request, "plans/slot_form.html", {"plan": plan, "item": item, "form": form})


@require_POST
@login_required
def plan_submit(request, pk: int):
    plan = _plan(request, pk)
    try:
        services.plan_submit(actor=scope_for(request.user), plan=plan)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已提交审阅。")
    return redirect("plans:detail", plan.pk)


@require_POST
@login_required
def plan_publish(request, pk: int):
    plan = _plan(request, pk)
    try:
        services.plan_publish(actor=scope_for(request.user), plan=plan)
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "区域计划已发布，辖区学校可以看到。")
    return redirect("plans:detail", plan.pk)


@require_POST
@login_required
def plan_review(request, pk: int):
    plan = _plan(request, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审阅结果。")
        return redirect("plans:detail", plan.pk)
    try:
        services.plan_review(
            actor=scope_for(request.user), plan=plan, decision=form.cleaned_data["decision"], comment=form.cleaned_data["comment"]
        )
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "已完成审阅，并通知了计划的负责人。")
    return redirect("plans:detail", plan.pk)


@require_POST
@login_required
def plan_new_version(request, pk: int):
    plan = _plan(request, pk)
    new = services.plan_new_version(actor=scope_for(request.user), plan=plan)
    messages.success(request, f"已建立第{new.revision}版，修改后请重新提交审阅。")
    return redirect("plans:edit", new.pk)


@require_POST
@login_required
def plan_delete(request, pk: int):
    plan = _plan(request, pk)
    services.plan_delete(actor=scope_for(request.user), plan=plan)
    messages.success(request, "草稿已删除。")
    return redirect("plans:list")


@require_POST
@login_required
def plan_attach(request, pk: int):
    plan = _plan(request, pk)
    try:
        services.plan_attach(actor=scope_for(request.user), plan=plan, upload=request.FILES.get("file"))
    except ValidationError as e:
        _errors(request, e)
    else:
        messages.success(request, "附件已上传。")
    return redirect("plans:detail", plan.pk)


@login_required
def plan_export(request, pk: int):
    """导出 Word: through the reports exporter registry (the plan is fetched through the door there)."""
    from xiaoben.core.exporters import export_response

    return export_response(request, "plans.plan_docx", {"plan": pk})
