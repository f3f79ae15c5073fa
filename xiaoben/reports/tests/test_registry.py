"""The exporter registry: one number format, the export page per role, jobs and downloads."""

from decimal import Decimal

import pytest
from django.urls import reverse

from xiaoben.core.exporters import all_exporters, exporters_for, get_exporter
from xiaoben.core.formatting import num, percent, safe_filename, score
from xiaoben.core.scope import scope_for
from xiaoben.reports.models import ExportJob


@pytest.mark.parametrize(
    "value,text",
    [
        (Decimal("1E+1"), "10"),
        (Decimal("10.0"), "10"),
        (9.5, "9.5"),
        (Decimal("90.50"), "90.5"),
        (0, "0"),
        (None, ""),
        (Decimal("1") / 3, "0.33"),
    ],
)
def test_numbers_read_like_a_school_writes_them(value, text):
    assert num(value) == text


def test_score_percent_filename():
    assert score(Decimal("90.5")) == "90.5分" and score(None) == "—"
    assert percent(45, 60) == "75%" and percent(1, 3) == "33.3%" and percent(1, 0) == "—"
    assert safe_filename("语文组/2026:总结?.docx") == "语文组_2026_总结_.docx"


def test_every_existing_export_is_registered():
    ids = {e.identifier for e in all_exporters()}
    for expected in (
        "observations.record_docx",
        "observations.list_xlsx",
        "hours.certificate_docx",
        "hours.stats_xlsx",
        "activities.attendance_xlsx",
        "mentoring.agreement_docx",
        "mentoring.agreements_docx",
        "org.roster_xlsx",
        "writings.term_docx",
        "writings.school_xlsx",
        "assessment.results_xlsx",
    ):
        assert expected in ids, expected


def test_export_page_lists_by_role(world, client_for):
    teacher_ids = {e.identifier for e in exporters_for(scope_for(world.users["teacher"]))}
    dean_ids = {e.identifier for e in exporters_for(scope_for(world.users["dean"]))}
    assert "hours.certificate_docx" in teacher_ids and "hours.stats_xlsx" not in teacher_ids
    assert {"hours.stats_xlsx", "org.roster_xlsx"} <= dean_ids
    r = client_for("teacher").get(reverse("reports:exports"))
    assert r.status_code == 200 and "学时证明" in r.text and "教师名册" not in r.text


def test_job_runs_and_only_its_owner_downloads(world, client_for):
    c = client_for("teacher")
    r = c.post(reverse("reports:export_start", args=["hours.certificate_docx"]), {"teacher": world.teacher.pk, "year": 2026})
    job = ExportJob.objects.get()
    assert r.status_code == 302 and job.status == "done" and job.progress == 100 and job.filename.endswith(".docx")
    d = c.get(reverse("reports:job_download", args=[job.token]))
    assert d.status_code == 200 and d.content[:2] == b"PK" and "filename*=utf-8''" in d["Content-Disposition"]
    assert client_for("colleague").get(reverse("reports:job_download", args=[job.token])).status_code == 404


def test_colleague_certificate_is_not_in_reach(world, client_for):
    c = client_for("teacher")
    r = c.post(reverse("reports:export_start", args=["hours.certificate_docx"]), {"teacher": world.colleague.pk, "year": 2026})
    assert r.status_code == 302 and not ExportJob.objects.exists()  # the form refused: not one of the choices
    assert get_exporter("hours.stats_xlsx").available(scope_for(world.users["teacher"])) is False
    assert c.post(reverse("reports:export_start", args=["hours.stats_xlsx"]), {"year": 2026}).status_code == 404


def test_expired_files_are_removed(world, client_for):
    import datetime as dt

    from django.utils import timezone

    from xiaoben.reports.jobs import export_jobs_expire

    client_for("teacher").post(
        reverse("reports:export_start", args=["hours.certificate_docx"]), {"teacher": world.teacher.pk, "year": 2026}
    )
    job = ExportJob.objects.get()
    assert export_jobs_expire(timezone.now() + dt.timedelta(days=8)) == 1
    job.refresh_from_db()
    assert not job.file and client_for("teacher").get(reverse("reports:job_download", args=[job.token])).status_code == 404
