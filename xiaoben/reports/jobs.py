"""Running exporters as background jobs (pretix's shape): the job carries ids, the task
reloads them and renders with the requester's scope, so tenancy holds inside workers.

Without REDIS_URL Celery runs the task eagerly in-process after the commit."""

from __future__ import annotations

import logging
import secrets

from celery import shared_task
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from xiaoben.core.errors import NotPermitted
from xiaoben.core.exporters import get_exporter
from xiaoben.core.formatting import safe_filename
from xiaoben.core.jobs import enqueue
from xiaoben.core.scope import Scope, build_scope

from .models import ExportJob, JobStatus

log = logging.getLogger(__name__)


def report_progress(job_id: int | None, percent: int) -> None:
    """Exporters that loop over many records call this (via params["_job"]) now and then."""
    if job_id:
        ExportJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(progress=max(0, min(99, int(percent))))


def job_create(*, actor: Scope, user, identifier: str, params: dict) -> ExportJob:
    exporter = get_exporter(identifier)
    if exporter is None or not exporter.available(actor):
        raise NotPermitted()
    school_id = params.get("school") or actor.school_id
    job = ExportJob.objects.create(
        token=secrets.token_hex(16),
        user=user,
        school_id=school_id,
        identifier=identifier,
        params=params,
        expires_at=ExportJob.default_expiry(),
    )
    if exporter.background:
        enqueue(export_job_run, job.pk)
    else:
        job_run(job.pk)
        job.refresh_from_db()
    return job


@shared_task
def export_job_run(job_id: int) -> None:
    job_run(job_id)


def job_run(job_id: int) -> None:
    # Claim with a conditional UPDATE so two workers never run the same job.
    if not ExportJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(status=JobStatus.RUNNING, progress=1):
        return
    job = ExportJob.objects.select_related("user").get(pk=job_id)
    exporter = get_exporter(job.identifier)
    try:
        if exporter is None:
            raise ValidationError("该导出项已不存在。")
        actor = build_scope(job.user)
        filename, mimetype, data = exporter.render(actor=actor, params={**job.params, "_job": job.pk})
        job.file.save(safe_filename(filename), ContentFile(data), save=False)
        job.filename, job.mimetype, job.size = safe_filename(filename), mimetype, len(data)
        job.status, job.progress = JobStatus.DONE, 100
    except (NotPermitted, Http404):
        job.status, job.error = JobStatus.FAILED, "没有权限导出所选内容。"
    except ValidationError as e:
        job.status, job.error = JobStatus.FAILED, "；".join(e.messages)[:500]
    except Exception as e:  # a broken exporter must not leave the job "running" forever
        log.exception("export %s failed", job.identifier)
        job.status, job.error = JobStatus.FAILED, f"导出失败：{type(e).__name__}"[:500]
    job.finished_at = timezone.now()
    job.save()
    if job.status == JobStatus.DONE:
        _announce(job, exporter)


# The school-wide documents whose completion the school's group chat hears about.
ANNOUNCED = ("reports.summary_docx", "reports.term_archive_zip")


def _announce(job: ExportJob, exporter) -> None:
    """The person who asked hears the file is ready; a school's summary or archive also
    reaches the school's group robots that subscribed to it."""
    from django.urls import reverse

    from xiaoben.core.notifications import notify

    url = reverse("reports:job", args=[job.token])
    name = str(exporter.verbose_name)
    notify("reports.export_ready", recipients=[job.user_id], context={"name": name}, url=url)
    scope = build_scope(job.user)
    if job.identifier in ANNOUNCED and scope.school_id:
        from xiaoben.org.models import School

        school = School.objects.filter(pk=scope.school_id).first()
        if school is not None:
            notify("reports.summary_ready", recipients=[], target=school, context={"school": school.name, "name": name}, url=url)


@transaction.atomic
def export_jobs_expire(now=None) -> int:
    """Delete the files of expired jobs (run daily by beat or `manage.py expire_exports`)."""
    now = now or timezone.now()
    n = 0
    for job in ExportJob.objects.filter(expires_at__lte=now).exclude(file=""):
        job.file.delete(save=False)
        job.file = ""
        job.save(update_fields=["file", "updated_at"])
        n += 1
    return n
