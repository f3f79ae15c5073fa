"""课题 pages: projects by level and stage, a project's page with its stage flow, documents."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import School

from . import flow, selectors, services
from .forms import AdvanceForm, DocumentForm, ProjectForm
from .models import Achievement, DocKind, Level, ProjectDocument, ResearchProject, Stage
from .predicates import can_confirm_stage, can_edit_project, can_manage_research, can_upload_project_document, is_project_member

# The project fields the form edits and the services take (one list for create and edit).
PROJECT_FIELDS = ("title", "level", "category", "number", "issuer", "start_date", "end_date", "summary", "visibility", "stage_due")


def apply_errors(form, e: ValidationError) -> None:
    if hasattr(e, "error_dict"):
        for name, errs in e.message_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, e.messages)


def _project(request, pk: int) -> ResearchProject:
    return get_object_for_user(
        request.user,
        ResearchProject,
        ResearchProject.objects.select_related("leader", "school", "leader__school").prefetch_related("memberships__teacher__school"),
        pk=pk,
    )


def _day(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return None


@login_required
def projects(request):
    """Projects by level and stage: the school's (admins, teachers: what the school publishes),
    one's own, or the region's published ones (教研员)."""
    scope = scope_for(request.user)
    level, stage = request.GET.get("level", ""), request.GET.get("stage", "")
    try:
        school_id = int(request.GET.get("school") or 0) or None
    except ValueError:
        school_id = None
    mine = request.GET.get("mine") == "1"
    qs = selectors.projects_visible(scope, level=level, stage=stage, school_id=school_id, mine=mine)
    moved = request.GET.get("moved", "")
    if moved in Stage.values:
        qs = selectors.projects_moved(qs, moved, start=_day(request.GET.get("from", "")), end=_day(request.GET.get("to", "")))
    matrix_base = selectors.projects_visible(scope, school_id=school_id, mine=mine)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    return render(
        request,
        "research/projects.html",
        {
            "page": page,
            "matrix": selectors.project_matrix(matrix_base),
            "levels": Level.choices,
            "stages": [("active", "在研"), *Stage.choices],
            "level": level,
            "stage": stage,
            "mine": mine,
            "school_id": school_id or "",
            "query": keep.urlencode(),
            "can_create": scope.teacher is not None and scope.can("research:write", scope.teacher.school_id),
            "own_school_id": scope.school_id,
        },
    )


@login_required
def project_new(request):
    scope = scope_for(request.user)
    if scope.teacher is None and not scope.admin_school_ids:
        raise Http404
    school = scope.teacher.school if scope.teacher else None
    if school is None:
        school = get_object_for_user(scope, School, pk=scope.school_id)
    admin = can_manage_research(scope, school.pk)
    leaders, members = selectors.project_form_people(school)
    initial = {"leader": scope.teacher_id, "level": Level.SCHOOL}  # most projects a school registers are its own 校级 ones
    form = ProjectForm(request.POST or None, leaders=leaders, members=members, lock_leader=not admin, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            project = services.project_create(
                actor=scope,
                leader=d["leader"] if admin else scope.teacher,
                member_ids=[t.pk for t in d["members"]],
                **{k: d[k] for k in PROJECT_FIELDS},
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "课题已登记（申报阶段）。请上传申报书。")
            return redirect(project)
    return render(request, "research/project_form.html", {"form": form, "project": None})


@login_required
def project_edit(request, pk: int):
    project = _project(request, pk)
    scope = scope_for(request.user)
    if not can_edit_project(scope, project):
        raise Http404
    leaders, members = selectors.project_form_people(project.school)
    initial = {f: getattr(project, f) for f in PROJECT_FIELDS}
    initial |= {"leader": project.leader_id, "members": [m.teacher_id for m in project.memberships.all()], "version": project.version}
    form = ProjectForm(request.POST or None, leaders=leaders, members=members, lock_leader=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.project_update(
                actor=scope,
                project=project,
                expected_version=d.get("version"),
                member_ids=[t.pk for t in d["members"]],
                **{k: d[k] for k in PROJECT_FIELDS},
            )
        except ValidationError as e:
            apply_errors(form, e)
        else:
            messages.success(request, "课题信息已保存。")
            return redirect(project)
    return render(request, "research/project_form.html", {"form": form, "project": project})


@login_required
def project_detail(request, pk: int):
    project = _project(request, pk)
    scope = scope_for(request.user)
    history = list(project.stages.select_related("confirmed_by"))
    documents = list(project.documents.select_related("uploaded_by"))
    nxt = flow.next_stages(project, history)
    checklist = []
    for st in nxt:
        req = flow.required_documents(project, st)
        missing = set(flow.missing_documents(project, st, documents, history))
        checklist.append(
            {
                "stage": st,
                "label": Stage(st).label,
                "docs": [(DocKind(k).label, k not in missing) for k in req],
                "ready": not missing,
                "decision": flow.needs_decision(project, st),
            }
        )
    can_confirm = can_confirm_stage(scope, project)
    main = flow.main_next(project, history)
    advance_form = AdvanceForm(choices=[(s, Stage(s).label) for s in nxt], initial={"to_stage": main}) if can_confirm and nxt else None
    member_of_other_school = scope.teacher is not None and scope.teacher.school_id != project.school_id
    return render(
        request,
        "research/project_detail.html",
        {
            "project": project,
            "history": history,
            "documents": documents,
            "checklist": checklist,
            "main_next": main,
            "can_edit": can_edit_project(scope, project),
            "can_upload": can_upload_project_document(scope, project),
            "can_confirm": can_confirm,
            "advance_form": advance_form,
            "doc_form": DocumentForm(initial={"kind": _suggested_kind(project, main, documents, history)}),
            "is_member": is_project_member(scope, project),
            "read_only_member": member_of_other_school,
            "linked": selectors.project_linked_records(scope, project),
            "achievements": visible_to(scope, Achievement).filter(project=project),
            "flow_steps": [(s, Stage(s).label) for s in flow.MAIN_FLOW],
            "linkable": _linkable_activities(scope, project) if can_edit_project(scope, project) else [],
        },
    )


def _suggested_kind(project, nxt, documents, history) -> str:
    if not nxt:
        return DocKind.OTHER
    missing = flow.missing_documents(project, nxt, documents, history)
    return missing[0] if missing else DocKind.OTHER


@require_POST
@login_required
def document_upload(request, pk: int):
    project = _project(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            doc = services.project_document_add(
                actor=scope_for(request.user), project=project, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"]
            )
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已上传「{doc.get_kind_display()}」。")
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
    return redirect(project)


@login_required
def document_download(request, pk: int):
    """Files are served only to those who may see the project."""
    doc = get_object_for_user(request.user, ProjectDocument, pk=pk)
    from xiaoben.core.uploads import served_type

    content_type, download = served_type(doc.file_kind, doc.file)
    response = FileResponse(doc.file.open("rb"), as_attachment=download, filename=doc.name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def project_advance(request, pk: int):
    project = _project(request, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{' '.join(v)}" for k, v in form.errors.items()))
        return redirect(project)
    d = form.cleaned_data
    try:
        row = services.project_stage_advance(
            actor=scope_for(request.user),
            project=project,
            to_stage=d["to_stage"],
            entered_on=d["entered_on"],
            due_on=d["due_on"],
            decision=d["decision"],
            note=d["note"],
        )
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"课题已进入「{row.get_stage_display()}」阶段。")
    return redirect(project)


@require_POST
@login_required
def project_activity(request, pk: int):
    """Link (or unlink) a 课题研讨 activity from the project's page."""
    from xiaoben.activities.models import Activity

    project = _project(request, pk)
    activity = get_object_for_user(request.user, Activity, pk=request.POST.get("activity") or 0)
    linked = request.POST.get("unlink") != "1"
    try:
        services.project_activity_link(actor=scope_for(request.user), project=project, activity=activity, linked=linked)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
    else:
        messages.success(request, f"已{'关联' if linked else '取消关联'}活动「{activity.title}」。")
    return redirect(project)


def _linkable_activities(scope, project, limit: int = 40):
    from xiaoben.activities.models import Activity

    return list(
        visible_to(scope, Activity)
        .filter(school_id=project.school_id, project__isnull=True)
        .exclude(status="cancelled")
        .order_by("-starts_at")
        .values("pk", "title", "starts_at")[:limit]
    )


@require_POST
@login_required
def project_delete(request, pk: int):
    project = _project(request, pk)
    services.project_delete(actor=scope_for(request.user), project=project)
    messages.success(request, f"已删除课题《{project.title}》。")
    return redirect("research:projects")
