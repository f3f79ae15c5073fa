"""Pages: my progress, the compliance grid (group / school), the records behind a cell,
managing requirements (starter set, edit) and plan import. Thin: services check the actor,
selectors answer who sees what (`selectors.grid_access`, `selectors.managed_school`)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm, BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_POST

from xiaoben.core.dbrouter import replica_view
from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Teacher
from xiaoben.org.selectors import current_term

from . import plan_import, selectors, services
from .engine import Progress, ProgressGrid
from .forms import PlanTextForm, ProposalForm, ProposalFormSet, RequirementForm
from .models import Requirement, Status
from .registry import get_metric
from .selectors import GridRow


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.teacher is None:
        raise Http404
    term = current_term(scope.teacher.school_id)
    progress = selectors.progress_for_teacher(scope.teacher, term) if term else []
    return render(request, "requirements/mine.html", {"term": term, "progress": progress, "teacher": scope.teacher})


@login_required
@replica_view
def grid(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    if scope.school_id is None and scope.is_region_staff and not scope.is_school_admin and not request.GET.get("school"):
        return redirect("region:compliance")  # the district's 达标情况 is the region app's page
    access = selectors.grid_access(scope, school_id=int_param(request.GET.get("school")), group_id=int_param(request.GET.get("group")))
    school, group = access.school, access.group
    term = current_term(school.pk)
    status = request.GET.get("status", "")
    status = status if status in Status.values else ""
    sort = request.GET.get("sort", "")
    desc = request.GET.get("dir") == "desc"
    data = selectors.progress_for_school(school, term) if term else None
    rows = selectors.grid_rows(data, group=group, status=status, sort=sort, desc=desc) if data else []
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    for row in page.object_list:
        row.cells_html = _cells_html(row.cells)
    summary = _summary(data, rows) if data else {}
    columns = [(r, summary.get(r.pk, {}), _next_dir(sort, desc, f"r{r.pk}")) for r in data.requirements] if data else []
    base = f"group={group.pk if group else ''}&status={status}"
    return render(
        request,
        "requirements/grid.html",
        {
            "school": school,
            "term": term,
            **({"current_term": term} if school.pk == scope.school_id else {}),  # the frame's term, loaded already
            "groups": access.groups,
            "group": group,
            "is_admin": access.is_admin,
            "columns": columns,
            "page": page,
            "status": status,
            "statuses": Status.choices,
            "sort": sort,
            "desc": desc,
            "base": base,
            "query": f"{base}&sort={sort}&dir={'desc' if desc else 'asc'}",
            "behind_count": sum(1 for r in rows if r.behind),
            "can_manage": scope.can("requirements:manage", school_id=school.pk),
        },
    )


@require_POST
@login_required
def remind(request: HttpRequest) -> HttpResponse:
    """提醒落后者: one notification per person behind in the grid being looked at."""
    scope = scope_for(request.user)
    access = selectors.grid_access(
        scope, school_id=int_param(request.GET.get("school")), group_id=int_param(request.GET.get("group") or request.POST.get("group"))
    )
    group = access.group
    term = current_term(access.school.pk)
    data = selectors.progress_for_school(access.school, term) if term else None
    if data is None:
        raise Http404
    ids = {r.teacher.pk for r in selectors.grid_rows(data, group=group)}
    chosen_people = {i for i in map(int_param, request.POST.getlist("teacher")) if i}
    if chosen_people:
        ids &= chosen_people
    chosen_reqs = {i for i in map(int_param, request.POST.getlist("requirement")) if i} or None
    sent = services.remind_behind(actor=scope, grid=data, teacher_ids=ids, requirement_ids=chosen_reqs)
    messages.success(request, f"已提醒 {sent} 位老师。" if sent else "没有需要提醒的老师：落后的只是已经过去的周，或已无可补。")
    return redirect(reverse("requirements:grid") + (f"?group={group.pk}" if group else ""))


@login_required
def cell(request: HttpRequest, requirement_id: int, teacher_id: int) -> HttpResponse:
    """The records behind one number: only what the viewer may see is listed."""
    scope = scope_for(request.user)
    teacher = get_object_for_user(request.user, Teacher, Teacher.objects.select_related("school"), pk=teacher_id)
    if not selectors.may_see_progress_of(scope, teacher):
        raise Http404
    requirement = get_object_for_user(request.user, Requirement, pk=requirement_id, school_id=teacher.school_id)
    term = current_term(teacher.school_id)
    progress = next((p for p in selectors.progress_for_teacher(teacher, term) if p.requirement.pk == requirement.pk), None)
    metric = requirement.metric_obj
    if progress is None or metric is None:
        raise Http404
    all_rows = selectors.cell_records(progress)
    visible = visible_to(request.user, metric.model, all_rows)
    page = Paginator(visible, 50).get_page(request.GET.get("page"))
    rows = [metric.describe(obj) for obj in page.object_list]
    hidden = all_rows.count() - visible.count()
    admin = scope.admin_of(teacher.school_id)
    return render(
        request,
        "requirements/cell.html",
        {
            "teacher": teacher,
            "requirement": requirement,
            "progress": progress,
            "rows": rows,
            "page": page,
            "hidden": hidden,
            "term": term,
            "can_remind": admin or scope.leads(teacher.pk),
            "remind_group": selectors.led_group_of(scope, teacher) if not admin else None,
        },
    )


# --- managing requirements: the services check the actor; the pages ask the same selector ---


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    school = selectors.managed_school(scope_for(request.user))
    rows = selectors.requirement_list(user=request.user, school_id=school.pk)
    return render(request, "requirements/manage.html", {"school": school, "rows": rows})


@require_POST
@login_required
def adopt(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    created = services.starter_set_adopt(actor=scope, school=selectors.managed_school(scope))
    messages.success(request, f"已采用 {len(created)} 条常用要求，可逐条修改。" if created else "常用要求都已采用。")
    return redirect("requirements:manage")


@login_required
def edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    instance = get_object_for_user(request.user, Requirement, pk=pk, school_id=school.pk) if pk else None
    form = RequirementForm(request.POST or None, instance=instance, school=school)
    if request.method == "POST" and form.is_valid():
        try:
            if instance:
                services.requirement_update(
                    actor=scope, requirement=instance, expected_version=form.cleaned_data.get("version"), **form.service_kwargs()
                )
            else:
                services.requirement_create(actor=scope, school=school, **form.service_kwargs())
        except ValidationError as e:
            _add_errors(form, e)
        else:
            messages.success(request, "已保存。")
            return redirect("requirements:manage")
    return render(request, "requirements/edit.html", {"form": form, "requirement": instance, "school": school})


@require_POST
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    r = get_object_for_user(request.user, Requirement, pk=pk, school_id=school.pk)
    services.requirement_delete(actor=scope, requirement=r)
    messages.success(request, f"已删除“{r.name}”。")
    return redirect("requirements:manage")


@login_required
def import_plan(request: HttpRequest) -> HttpResponse:
    """Step 1: paste or upload a plan → proposals. Step 2: confirm/edit → saved together."""
    scope = scope_for(request.user)
    school = selectors.managed_school(scope)
    if request.method == "POST" and request.POST.get("step") == "save":
        formset = ProposalFormSet(request.POST, prefix="p")
        if formset.is_valid():
            chosen = [f.cleaned_data for f in formset if f.cleaned_data.get("keep")]
            if not chosen:
                messages.warning(request, "没有勾选任何要求。")
            else:
                try:
                    created = services.requirements_import(actor=scope, school=school, proposals=chosen)
                except ValidationError as e:
                    messages.error(request, "；".join(e.messages))
                else:
                    messages.success(request, f"已添加 {len(created)} 条量化要求。")
                    return redirect("requirements:manage")
        _label_forms(formset)
        return render(request, "requirements/import.html", {"form": PlanTextForm(), "formset": formset, "school": school})
    form = PlanTextForm(request.POST or None, request.FILES or None)
    shown: BaseFormSet[ProposalForm] | None = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data.get("text") or ""
        if form.cleaned_data.get("upload"):
            try:
                text += "\n" + plan_import.text_from_upload(form.cleaned_data["upload"])
            except ValidationError as e:
                form.add_error("upload", e)
        if not form.errors:
            proposals = plan_import.extract(text)
            if not proposals:
                messages.info(request, "没有在计划中找到量化要求（如“每学期听课不少于20节”）。")
            shown = ProposalFormSet(initial=[p.as_dict() | {"keep": True} for p in proposals], prefix="p")
            _label_forms(shown)
    return render(request, "requirements/import.html", {"form": form, "formset": shown, "school": school})


def _label_forms(formset: BaseFormSet[ProposalForm]) -> None:
    """What each proposal counts, in words (the metric and its filters are hidden fields)."""
    for f in formset.forms:
        m = get_metric(f["metric"].value() or "")
        filters = f["filters"].value()
        if isinstance(filters, str):
            try:
                filters = json.loads(filters or "{}")
            except ValueError:
                filters = {}
        f.metric_label = f"{m.label_for(filters)}（{m.unit}）" if m else "?"


def _add_errors(form: BaseForm, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for field, errs in e.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, e.messages)


_CELL = '<td class="text-center"><a href="{}" class="badge bg-{}-lt px-2 py-1" title="{}" data-status="{}">{}/{}</a></td>'
_NO_CELL = '<td class="text-center"><span class="text-secondary">—</span></td>'


def _cells_html(cells: list[Progress | None]) -> SafeString:
    """A grid row's cells, built here rather than by the template: 100 rows × every requirement
    were thousands of template lookups and the largest cost of the page."""
    out = []
    for p in cells:
        if p is None:
            out.append(_NO_CELL)
        else:
            out.append(_CELL.format(escape(p.url), p.color, escape(p.status_label), p.status, p.done_display, p.required_display))
    return mark_safe("".join(out))  # every value above is escaped, a number or a constant


def _summary(data: ProgressGrid, rows: list[GridRow]) -> dict[int, dict[str, int]]:
    """达标/进行中/落后 per requirement over the rows shown (the group, the status filter)."""
    out = {r.pk: {"met": 0, "on_track": 0, "behind": 0, "total": 0} for r in data.requirements}
    for row in rows:
        for r, p in zip(data.requirements, row.cells, strict=True):
            if p:
                out[r.pk][p.status] += 1
                out[r.pk]["total"] += 1
    return out


def _next_dir(sort: str, desc: bool, key: str) -> str:
    """First click sorts ascending (those furthest behind first); a second click reverses."""
    return "desc" if sort == key and not desc else "asc"
