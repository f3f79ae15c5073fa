"""Every document a school hands in ships as a docxtpl template the school may restyle:
教研活动记录本, 听课记录表, 学时证明, 师徒结对协议书, 成长档案袋, 听课记录本 (and the summary, tested with
the summary). For each: the default downloads and is itself a valid template, an edited copy
(one more placeholder, a line of the school's own) is taken and the real document comes out in
that format, the reference page lists its placeholders, the preview renders, and broken
uploads get a Chinese message while the previous template stays."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from docx import Document

from tests.factories import activity, attend, observation
from xiaoben.reports.models import DocumentTemplate
from xiaoben.reports.templates_docx import KINDS

D = dt.date
OTHERS = ["activity_book", "observation", "certificate", "agreement", "portfolio", "observation_book"]


def _text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def _upload(c, document: str, data: bytes):
    return c.post(reverse("reports:template_upload", args=[document]), {"file": SimpleUploadedFile("本校模板.docx", data)}, follow=True)


def _edited(c, document: str, extra: str) -> bytes:
    r = c.get(reverse("reports:template_default", args=[document]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    doc = Document(io.BytesIO(r.content))
    doc.paragraphs[0].insert_paragraph_before("南湖区实验小学 · 校本研修专用")  # the school's letterhead
    doc.add_paragraph(extra)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


@pytest.fixture
def records(world):
    from xiaoben.core.scope import SYSTEM
    from xiaoben.mentoring import services as mentoring

    a = activity(world.school, "seminar", D(2026, 10, 9), term=world.term, group=world.chinese, host=world.leader)
    attend(a, world.teacher)
    obs = observation(world.mentor, world.teacher, D(2026, 10, 8), term=world.term)
    pair = mentoring.mentorship_create(
        actor=SYSTEM,
        school=world.school,
        school_year=world.term.school_year,
        mentor=world.mentor,
        mentee=world.teacher,
        start_date=D(2026, 9, 1),
        goals="一学年内独立上好常规课",
    )
    return {"activity": a, "observation": obs, "pair": pair}


def _document(world, c, document: str, records) -> bytes:
    """The real document, as its page hands it out."""
    if document == "activity_book":
        url = reverse("reports:activity_book") + f"?group={world.chinese.pk}&term={world.term.pk}&format=docx"
    elif document == "observation":
        url = reverse("observations:docx", args=[records["observation"].pk])
    elif document == "certificate":
        url = reverse("hours:certificate", args=[world.teacher.pk]) + "?year=2026"
    elif document == "agreement":
        url = reverse("mentoring:agreement", args=[records["pair"].pk])
    elif document == "observation_book":
        url = reverse("reports:observation_book") + f"?teacher={world.mentor.pk}&term={world.term.pk}&format=docx"
    else:
        url = reverse("reports:portfolio") + f"?teacher={world.teacher.pk}&format=docx"
    r = c.get(url)
    assert r.status_code == 200 and r.content[:2] == b"PK", (document, r.status_code)
    return r.content


EXTRA = {
    "activity_book": ("本册共{{ entries|length }}次活动，教研组：{{ group }}", "本册共1次活动，教研组：语文组"),
    "observation": ("授课：{{ teacher }}，课题{{ lesson_title }}", "授课：刘思雨，课题"),
    "certificate": ("工号{{ staff_no }}的{{ teacher }}老师", "的刘思雨老师"),
    "agreement": ("本校结对学校：{{ school }}", "本校结对学校：南湖区实验小学"),
    "observation_book": ("听课{{ count }}节：{% for r in rows %}{{ r.teacher }}{% endfor %}", "听课1节：刘思雨"),
    "portfolio": ("档案袋主人：{{ teacher.name }}（{{ school_year }}）", "档案袋主人：刘思雨（2026-2027学年）"),
}


@pytest.mark.parametrize("document", OTHERS)
def test_school_template_gives_the_document_in_that_format(world, client_for, records, document):
    c = client_for("dean")
    before = _text(_document(world, c, document, records))
    assert "校本研修专用" not in before
    extra, expected = EXTRA[document]
    r = _upload(c, document, _edited(c, document, extra))
    assert "已上传并启用" in r.content.decode(), r.content.decode()[:2000]
    after = _text(_document(world, c, document, records))
    assert "南湖区实验小学 · 校本研修专用" in after and expected in after, after
    assert "{{" not in after and "{%" not in after
    # the preview uses the template in force with the school's own data
    p = c.get(reverse("reports:template_preview", args=[document]))
    assert p.status_code == 200 and "校本研修专用" in _text(p.content)


@pytest.mark.parametrize("document", OTHERS)
def test_broken_templates_refused_previous_kept(world, client_for, document):
    c = client_for("dean")
    _upload(c, document, c.get(reverse("reports:template_default", args=[document])).content)
    first = DocumentTemplate.objects.get(document=document, is_active=True)

    def docx(lines):
        doc = Document()
        for t in lines:
            doc.add_paragraph(t)
        buf = io.BytesIO()
        doc.save(buf)
        return buf.getvalue()

    for data, message in [
        (docx(["{{ no_such_thing }}"]), "不认识的占位符"),
        (docx(["{% for x in entries %}", "{{ x }}"]), "未闭合的 {% for %}"),
        (b"not a word file", "Word 文档"),
    ]:
        body = _upload(c, document, data).content.decode()
        assert message in body and "原来的模板继续使用" in body, (document, message)
        assert DocumentTemplate.objects.get(document=document, is_active=True) == first


def test_every_document_listed_with_its_placeholders(world, client_for):
    body = client_for("dean").get(reverse("reports:templates")).content.decode()
    for kind in KINDS.values():
        assert kind.label in body
        assert f'data-testid="template-{kind.key}"' in body
    assert "{{ e.present }}" in body and "{%tr for s in scores %}" in body


@pytest.mark.parametrize("document", OTHERS)
def test_preview_without_records_uses_examples(world, client_for, document):
    r = client_for("dean").get(reverse("reports:template_preview", args=[document]))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "{{" not in _text(r.content)


@pytest.mark.parametrize("persona", ["teacher", "leader", "other_teacher", "researcher"])
def test_only_school_admins_manage_templates(world, client_for, persona):
    c = client_for(persona)
    for document in OTHERS:
        assert c.get(reverse("reports:template_default", args=[document])).status_code == 404
        assert c.get(reverse("reports:template_preview", args=[document])).status_code == 404
        assert _upload(c, document, b"x").status_code == 404
    assert not DocumentTemplate.objects.exists()
