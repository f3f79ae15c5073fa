"""The 导出 page: what this person may download, each with its small parameter form;
jobs with progress; downloads of stored files (the requester's own, until they expire)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.exporters import exporters_for, get_exporter
from xiaoben.core.formatting import file_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user, visible_to

from . import jobs
from .models import ExportJob, JobStatus


@login_required
def export_page(request):
    scope = scope_for(request.user)
    groups: dict[str, list] = {}
    for e in exporters_for(scope):
        groups.setdefault(e.category, []).append({"exporter": e, "form": e.form(scope)})
    recent = visible_to(scope, ExportJob).order_by("-created_at")[:10]
    return render(request, "reports/exports.html", {"groups": groups, "recent": recent})


@require_POST
@login_required
def export_start(request, identifier: str):
    scope = scope_for(request.user)
    exporter = get_exporter(identifier)
    if exporter is None or not exporter.available(scope):
        raise Http404
    try:
        params = exporter.clean_params(scope, request.POST)
    except ValidationError as e:
        messages.error(request, "；".join(e.messages))
        return redirect("reports:exports")
    job = jobs.job_create(actor=scope, user=request.user, identifier=identifier, params=params)
    if job.status == JobStatus.DONE and request.POST.get("direct"):
        return redirect("reports:job_download", token=job.token)
    return redirect("reports:job", token=job.token)


@login_required
def job_detail(request, token: str):
    job = get_object_for_user(request.user, ExportJob, token=token)
    exporter = get_exporter(job.identifier)
    tpl = "reports/_job.html" if request.headers.get("HX-Request") else "reports/job.html"
    return render(request, tpl, {"job": job, "exporter": exporter})


@login_required
def job_download(request, token: str):
    job = get_object_for_user(request.user, ExportJob, token=token)
    if job.status != JobStatus.DONE or not job.file or job.expired:
        raise Http404
    with job.file.open("rb") as f:
        return file_response(job.filename, job.mimetype, f.read())
