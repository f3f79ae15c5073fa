"""Reports API: list exporters, start one, poll its job, download; the summary's figures
as JSON with the API URL listing the rows behind each."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from ninja import Router, Schema

from xiaoben.core.exporters import Exporter, exporters_for, get_exporter
from xiaoben.core.formatting import file_response
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.reportkit import summary as sm

from . import jobs, selectors
from .models import ExportJob, JobStatus

router = Router(tags=["报表与归档"])


class ExporterOut(Schema):
    identifier: str
    name: str
    category: str
    background: bool
    params: list[str]

    @staticmethod
    def resolve_name(e: Exporter) -> str:
        return str(e.verbose_name)

    @staticmethod
    def resolve_category(e: Exporter) -> str:
        return str(e.category)

    @staticmethod
    def resolve_params(e: Exporter) -> list[str]:
        return list(e.form_class.base_fields) if e.form_class else []


class JobIn(Schema):
    params: dict = {}


class JobOut(Schema):
    token: str
    identifier: str
    status: str
    progress: int
    filename: str
    error: str
    download_url: str | None
    expires_at: dt.datetime | None

    @staticmethod
    def resolve_download_url(job: ExportJob) -> str | None:
        ready = job.status == JobStatus.DONE and bool(job.file) and not job.expired
        return reverse("api:reports_job_download", args=[job.token]) if ready else None


class FigureOut(Schema):
    key: str
    label: str
    value: float
    unit: str
    text: str
    rows_url: str | None


class SummaryOut(Schema):
    title: str
    period: str
    figures: list[FigureOut]


class RowOut(Schema):
    date: dt.date | None
    title: str
    detail: str
    url: str | None


@router.get("/exporters", response=list[ExporterOut])
def exporter_list(request):
    """What this person may download (the same list as the 导出 page)."""
    return exporters_for(scope_for(request.user), listed_only=False)


@router.post("/exporters/{identifier}/jobs", response={201: JobOut})
def job_start(request, identifier: str, payload: JobIn):
    """Start an export; quick ones finish at once, long ones run in the background: poll the job."""
    scope = scope_for(request.user)
    exporter = get_exporter(identifier)
    if exporter is None or not exporter.available(scope):
        raise Http404
    params = exporter.clean_params(scope, payload.params) if exporter.form_class else dict(payload.params)
    job = jobs.job_create(actor=scope, user=request.user, identifier=identifier, params=params)
    job.refresh_from_db()
    return 201, job


@router.get("/jobs/{token}", response=JobOut)
def job_poll(request, token: str):
    return get_object_for_user(request.user, ExportJob, token=token)


@router.get("/jobs/{token}/download", url_name="reports_job_download")
def job_download(request, token: str):
    job = get_object_for_user(request.user, ExportJob, token=token)
    if job.status != JobStatus.DONE or not job.file or job.expired:
        raise Http404
    with job.file.open("rb") as f:
        return file_response(job.filename, job.mimetype, f.read())


def _number(v) -> int | float:
    d = Decimal(v)
    return int(d) if d == d.to_integral_value() else float(d)


def _params(request) -> dict:
    return {k: request.GET.get(k) for k in ("term", "kind", "group", "region", "year", "number") if request.GET.get(k)}


@router.get("/summary", response=SummaryOut)
def summary_figures(request, term: int | None = None, kind: str = "term", group: int | None = None, region: int | None = None):
    """Every figure of the summary: key, label, value and the API URL of the rows behind it."""
    from .summary_doc import default_title

    scope = scope_for(request.user)
    period = selectors.period_for(scope, _params(request))
    sm.build(period)
    query = selectors.period_query(period)
    return {
        "title": default_title(period),
        "period": str(period.label),
        "figures": [
            {
                "key": f.key,
                "label": str(f.label),  # lazy translations (choice labels) become text
                "value": _number(f.value),
                "unit": str(f.unit),
                "text": str(f.text),
                "rows_url": reverse("api:reports_summary_rows", args=[f.key]) + "?" + query if f.rows is not None else None,
            }
            for f in period.figures.values()
        ],
    }


@router.get("/summary/rows/{key}", response=list[RowOut], url_name="reports_summary_rows")
def summary_rows(request, key: str, term: int | None = None, kind: str = "term", group: int | None = None):
    """The records behind one figure (only those the person may open)."""
    scope = scope_for(request.user)
    period = selectors.period_for(scope, _params(request))
    fig, rows = selectors.figure_rows(scope, period, key)
    describe = fig.describe or (lambda o: {"date": None, "title": str(o), "detail": "", "url": None})
    out = []
    for o in rows[:2000]:
        r = describe(o)
        out.append(r if isinstance(r, dict) else {"date": r.date, "title": r.title, "detail": r.detail, "url": r.url})
    return out
