"""A plan's .docx in the school's own Word template: the plan document is on reports' 文档模板
page (default template, placeholders, upload check, preview), and the plan page's 导出 Word
uses the school's template — another school's template never."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from xiaoben.plans import services
from xiaoben.plans.exports import plan_context, plan_docx
from xiaoben.plans.models import ItemOwner
from xiaoben.plans.tests.factories import fill, school_plan, scope
from xiaoben.reports.models import DocumentTemplate
from xiaoben.reports.templates_docx import default_template_bytes


def _text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _plan(world):
    plan = school_plan(world, title="实验小学校本研修计划")
    fill(world, plan, "dean", body="<p>以“生本课堂”为抓手。</p><p>立足课堂，以校为本。</p>")
    actor = scope(world, "dean")
    services.item_create(actor=actor, plan=plan, month=9, title="定校本教研活动计划", kind="planning")
    services.item_create(actor=actor, plan=plan, month=10, title="集体备课", kind="lesson_prep", owner=ItemOwner.GROUPS)
    return plan


def _upload(c, data: bytes):
    return c.post("/reports/templates/plan/upload/", {"file": SimpleUploadedFile("计划模板.docx", data)}, follow=True)


def test_plan_is_on_the_templates_page_with_its_placeholders(world, client_for):
    body = client_for("dean").get("/reports/templates/").content.decode()
    assert 'data-testid="template-plan"' in body and "研修计划" in body
    assert "{{ owner }}" in body and "s.paragraphs" in body and "m.label" in body
    r = client_for("dean").get("/reports/templates/plan/default/")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert "{{ title }}" in _text(r.content) and "{{ it.number }}、{{ it.text }}" in _text(r.content)
    for persona in ("teacher", "leader", "other_teacher", "researcher"):
        assert client_for(persona).get("/reports/templates/plan/default/").status_code == 404


def test_default_layout_and_default_template_say_the_same(world, client_for):
    plan = _plan(world)
    default = _text(plan_docx(plan))
    for line in (
        "实验小学校本研修计划",
        "一、指导思想",
        "以“生本课堂”为抓手。",
        "九月份：",
        "1、定校本教研活动计划",
        "十月份：",
        "1、集体备课",
    ):
        assert line in default, line
    c = client_for("dean")
    assert "已上传并启用" in _upload(c, default_template_bytes("plan")).content.decode()
    templated = _text(c.get(f"/plans/{plan.pk}/docx/").content)
    for line in ("实验小学校本研修计划", "一、指导思想", "立足课堂，以校为本。", "九月份：", "1、定校本教研活动计划", "1、集体备课"):
        assert line in templated, line
    assert "{{" not in templated and "{%" not in templated


def test_school_template_gives_the_schools_format(world, client_for):
    plan = _plan(world)
    c = client_for("dean")
    doc = Document(io.BytesIO(c.get("/reports/templates/plan/default/").content))
    doc.add_paragraph("校训：{{ school }}——勤学 善思")
    doc.add_paragraph("{%p for m in months %}")
    doc.add_paragraph("【{{ m.label }}共{{ m.entries|length }}项】")
    doc.add_paragraph("{%p endfor %}")
    buf = io.BytesIO()
    doc.save(buf)
    assert "已上传并启用" in _upload(c, buf.getvalue()).content.decode()
    text = _text(c.get(f"/plans/{plan.pk}/docx/").content)
    assert "校训：南湖区实验小学——勤学 善思" in text and "【九月份共1项】" in text and "【十月份共1项】" in text
    # the teacher exporting the same plan gets the school's format too
    assert "校训：南湖区实验小学" in _text(client_for("teacher").get(f"/plans/{plan.pk}/docx/").content)
    # the summary keeps its own (default) template
    assert not DocumentTemplate.objects.filter(document="summary").exists()


def test_broken_plan_templates_are_refused_and_previous_kept(world, client_for):
    c = client_for("dean")
    _upload(c, default_template_bytes("plan"))
    first = DocumentTemplate.objects.get(document="plan", is_active=True)

    def docx(lines):
        d = Document()
        for t in lines:
            d.add_paragraph(t)
        buf = io.BytesIO()
        d.save(buf)
        return buf.getvalue()

    cases = [
        (docx(["{{ title }}", "{{ figures['activities.total'] }}"]), "不认识的占位符"),  # a summary name, not a plan's
        (docx(["{% for s in sections %}", "{{ s.title }}"]), "未闭合的 {% for %}"),
        (b"not a word file", "Word 文档"),
    ]
    for data, message in cases:
        body = _upload(c, data).content.decode()
        assert message in body and "原来的模板继续使用" in body, message
        assert DocumentTemplate.objects.get(document="plan", is_active=True) == first


def test_preview_uses_the_schools_plan(world, client_for):
    c = client_for("dean")
    # no plan yet: the template filled with the example values (like every document)
    r = c.get("/reports/templates/plan/preview/")
    assert r.status_code == 200 and "2026-2027学年第一学期校本研修计划" in _text(r.content)
    plan = _plan(world)
    r = c.get("/reports/templates/plan/preview/")
    assert r.status_code == 200 and "实验小学校本研修计划" in _text(r.content)
    assert plan.title in _text(r.content)


def test_another_schools_template_is_never_used(world, client_for):
    plan = _plan(world)
    d = Document(io.BytesIO(default_template_bytes("plan")))
    d.add_paragraph("别校格式")
    buf = io.BytesIO()
    d.save(buf)
    DocumentTemplate.objects.create(school=world.other_school, document="plan", file=SimpleUploadedFile("t.docx", buf.getvalue()))
    assert "别校格式" not in _text(client_for("dean").get(f"/plans/{plan.pk}/docx/").content)


def test_context_numbers_sections_and_keeps_preface_unnumbered(world):
    plan = _plan(world)
    ctx = plan_context(plan)
    headings = [s["heading"] for s in ctx["sections"]]
    assert headings[0] == "一、指导思想"
    monthly = [s for s in ctx["sections"] if s["months"]]
    assert len(monthly) == 1 and [m["label"] for m in monthly[0]["months"]] == ["九月份", "十月份"]
    assert ctx["school"] == "南湖区实验小学" and ctx["date"]
