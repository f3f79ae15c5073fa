"""The school's own Word templates (broken ones refused, previous kept), record books and
portfolio (own yes, colleague's 404), and the reports API with a token and CSRF enforced."""

import datetime as dt
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document

from tests.factories import activity, attend, observation
from xiaoben.core.services import api_token_create
from xiaoben.reports.models import DocumentTemplate
from xiaoben.reports.templates_docx import default_template_bytes

D = dt.date


def _docx_with(text_lines: list[str]) -> bytes:
    doc = Document()
    for t in text_lines:
        doc.add_paragraph(t)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _upload(c, data: bytes, name="模板.docx"):
    return c.post(reverse("reports:template_upload", args=["summary"]), {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_default_template_edited_and_uploaded_gives_that_format(world, client_for):
    c = client_for("dean")
    r = c.get(reverse("reports:template_default", args=["summary"]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    doc = Document(io.BytesIO(r.content))
    doc.add_paragraph("本校校训：{{ school }}——勤学 善思")  # one more placeholder
    doc.add_paragraph("听课总数：{{ figures['observations.total'] }}")
    t = doc.add_table(rows=1, cols=2)  # a letterhead table, moved from the end to the top
    t.cell(0, 0).text, t.cell(0, 1).text = "学校：{{ school }}", "学期：{{ period }}"
    doc.element.body.remove(t._tbl)
    doc.element.body.insert(0, t._tbl)
    buf = io.BytesIO()
    doc.save(buf)
    r = _upload(c, buf.getvalue())
    assert "已上传并启用" in r.content.decode()
    observation(world.teacher, world.mentor, D(2026, 10, 8), term=world.term)
    out = c.get(reverse("reports:summary_docx") + f"?term={world.term.pk}")
    text = "\n".join(p.text for p in Document(io.BytesIO(out.content)).paragraphs)
    assert "本校校训：南湖区实验小学——勤学 善思" in text and "听课总数：1节" in text
    out_doc = Document(io.BytesIO(out.content))
    assert out_doc.element.body[0].tag.endswith("}tbl")  # the table stayed where it was moved
    assert [c.text for c in out_doc.tables[0].rows[0].cells] == ["学校：南湖区实验小学", f"学期：{world.term.name}"]


def test_broken_templates_are_refused_and_previous_kept(world, client_for):
    c = client_for("dean")
    _upload(c, default_template_bytes("summary"))
    first = DocumentTemplate.objects.get(is_active=True)
    cases = [
        (_docx_with(["{{ title }}", "{{ no_such_thing }}"]), "不认识的占位符"),
        (_docx_with(["{% for s in sections %}", "{{ s.title }}"]), "未闭合的 {% for %}"),
        (b"this is not a word file", "Word 文档"),
        (b"PK\x03\x04broken zip", "Word 文档"),
    ]
    for data, message in cases:
        r = _upload(c, data)
        assert r.status_code == 200
        assert message in r.content.decode(), message
        assert "原来的模板继续使用" in r.content.decode()
        assert DocumentTemplate.objects.get(is_active=True) == first
    # and the document still comes out
    assert client_for("dean").get(reverse("reports:summary_docx") + f"?term={world.term.pk}").status_code == 200


def test_templates_page_and_reference(world, client_for):
    r = client_for("dean").get(reverse("reports:templates"))
    assert r.status_code == 200 and "{{ title }}" in r.content.decode() and "示例" in r.content.decode()
    for persona in ("teacher", "leader", "other_teacher", "researcher"):
        assert client_for(persona).get(reverse("reports:templates")).status_code == 404
    preview = client_for("dean").get(reverse("reports:template_preview", args=["summary"]))
    assert preview.status_code == 200 and preview.content[:2] == b"PK"


def test_record_book_and_portfolio_reach(world, client_for):
    a = activity(world.school, "seminar", D(2026, 10, 9), term=world.term, group=world.chinese, host=world.leader)
    attend(a, world.teacher)
    leader = client_for("leader")
    r = leader.get(reverse("reports:activity_book") + f"?group={world.chinese.pk}&term={world.term.pk}")
    assert r.status_code == 200 and a.title in r.content.decode()
    d = leader.get(reverse("reports:activity_book") + f"?group={world.chinese.pk}&term={world.term.pk}&format=docx")
    assert d.status_code == 200 and "刘思雨" in "\n".join(
        c.text for t in Document(io.BytesIO(d.content)).tables for row in t.rows for c in row.cells
    )
    assert leader.get(reverse("reports:activity_book") + f"?group={world.math.pk}&term={world.term.pk}").status_code == 404
    t = client_for("teacher")
    assert t.get(reverse("reports:portfolio")).status_code == 200
    assert t.get(reverse("reports:portfolio") + "?format=docx").content[:2] == b"PK"
    assert t.get(reverse("reports:portfolio") + f"?teacher={world.colleague.pk}").status_code == 404
    assert client_for("other_teacher").get(reverse("reports:portfolio") + f"?teacher={world.teacher.pk}").status_code == 404
    assert t.get(reverse("reports:observation_book")).status_code == 200


def _api(world, persona):
    _, token = api_token_create(user=world.users[persona], name="t")
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_api_exporters_jobs_and_download(world):
    c = _api(world, "teacher")
    ids = {e["identifier"] for e in c.get("/api/v1/reports/exporters").json()}
    assert "hours.certificate_docx" in ids and "org.roster_xlsx" not in ids
    r = c.post(
        "/api/v1/reports/exporters/hours.certificate_docx/jobs",
        data={"params": {"teacher": world.teacher.pk, "year": 2026}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    job = r.json()
    assert job["status"] == "done" and job["download_url"]
    assert c.get(f"/api/v1/reports/jobs/{job['token']}").json()["progress"] == 100
    assert c.get(job["download_url"]).content[:2] == b"PK"
    assert _api(world, "colleague").get(f"/api/v1/reports/jobs/{job['token']}").status_code == 404
    r = c.post("/api/v1/reports/exporters/org.roster_xlsx/jobs", data={"params": {}}, content_type="application/json")
    assert r.status_code == 404
    r = c.post(
        "/api/v1/reports/exporters/hours.certificate_docx/jobs",
        data={"params": {"teacher": world.colleague.pk, "year": 2026}},
        content_type="application/json",
    )
    assert r.status_code == 400


def test_api_summary_figures_with_rows_urls(world):
    observation(world.teacher, world.mentor, D(2026, 10, 8), term=world.term)
    c = _api(world, "dean")
    r = c.get(f"/api/v1/reports/summary?term={world.term.pk}")
    assert r.status_code == 200
    figs = {f["key"]: f for f in r.json()["figures"]}
    assert figs["observations.total"]["value"] == 1 and figs["observations.total"]["label"]
    rows = c.get(figs["observations.total"]["rows_url"]).json()
    assert len(rows) == 1 and rows[0]["url"]
    assert _api(world, "teacher").get(f"/api/v1/reports/summary?term={world.term.pk}").status_code == 404
    assert _api(world, "other_teacher").get(f"/api/v1/reports/summary?term={world.term.pk}").status_code == 404


def test_archive_zip_opens(world, client_for, django_capture_on_commit_callbacks):
    observation(world.teacher, world.mentor, D(2026, 4, 8), term=world.prev_term)
    with django_capture_on_commit_callbacks(execute=True):
        client_for("dean").post(reverse("reports:export_start", args=["reports.term_archive_zip"]), {"term": world.prev_term.pk})
    from xiaoben.reports.models import ExportJob

    job = ExportJob.objects.get(identifier="reports.term_archive_zip")
    assert job.status == "done", job.error
    z = zipfile.ZipFile(job.file.open("rb"))
    assert "index.html" in z.namelist()
