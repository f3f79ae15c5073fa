"""A plan as a .docx in the school's usual format: title, 一、二、… sections, and the
每月安排 as "九月份：1、…" lines (seed 000 篇11), then the approval line.

`plan_docx(plan) -> bytes` renders; `PlanDocxExporter` registers it with the reports
exporter registry (the plan page's 导出 Word button goes through it)."""

from __future__ import annotations

import io
import re

from django import forms
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.html import html_to_text
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.reportkit.params import ParamsForm

from .models import Plan, PlanSection, SectionKey

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CN = "一二三四五六七八九十"
MONTH_WORDS = {1: "一", 2: "二", 3: "三", 4: "四", 5: "五", 6: "六", 7: "七", 8: "八", 9: "九", 10: "十", 11: "十一", 12: "十二"}
SCHOOL_YEAR_ORDER = [8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7]


def cn_ordinal(n: int) -> str:
    if n <= 10:
        return CN[n - 1]
    if n < 20:
        return "十" + CN[n - 11]
    return CN[n // 10 - 1] + "十" + (CN[n % 10 - 1] if n % 10 else "")


def plan_filename(plan: Plan) -> str:
    safe = re.sub(r"[\\/:*?\"<>|]", "", plan.title)[:80] or "研修计划"
    return f"{safe}.docx"


def _font(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _month_lines(plan: Plan) -> list[tuple[str, list[str]]]:
    items = list(plan.items.select_related("group", "person").order_by("month", "week", "order", "id"))
    by_month: dict[str, list[str]] = {}
    recurring = [it for it in items if it.recurring]
    dated = [it for it in items if not it.recurring]
    dated.sort(key=lambda it: (SCHOOL_YEAR_ORDER.index(it.month) if it.month else 99, it.week or 0, it.order))
    for it in dated:
        head = f"{MONTH_WORDS[it.month]}月份" if it.month else (it.when_label if it.week else "其他")
        text = it.title + (f"（{it.owner_label}）" if it.owner in ("group", "person") else "")
        by_month.setdefault(head, []).append(text)
    if recurring:
        by_month["每周固定"] = [f"{it.when_label}：{it.title}" for it in recurring]
    return list(by_month.items())


def plan_docx(plan: Plan) -> bytes:
    doc = Document()
    _font(doc)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(plan.title)
    run.bold = True
    run.font.size = Pt(16)
    meta = doc.add_paragraph(f"{plan.owner_label} · {plan.period_label} · 第{plan.revision}版 · {plan.get_status_display()}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sections = list(plan.sections.all())
    months = _month_lines(plan)
    if months and not any(s.key == SectionKey.MONTHLY for s in sections):
        sections.append(PlanSection(key=SectionKey.MONTHLY, title="每月安排", body=""))
    n = 0
    for s in sections:
        if s.title == "前言":
            for line in html_to_text(s.body).split("\n"):
                if line.strip():
                    doc.add_paragraph(line.strip())
            continue
        n += 1
        head = doc.add_paragraph()
        r = head.add_run(f"{cn_ordinal(n)}、{s.title}")
        r.bold = True
        for line in html_to_text(s.body).split("\n"):
            if line.strip():
                doc.add_paragraph(line.strip())
        if s.key == SectionKey.MONTHLY:
            for month, lines in months:
                doc.add_paragraph(f"{month}：")
                for i, text in enumerate(lines, 1):
                    doc.add_paragraph(f"{i}、{text}")
    if plan.reviewed_at and plan.reviewed_by_id:
        doc.add_paragraph("")
        doc.add_paragraph(
            f"审阅：{plan.reviewed_by.display_name}（{plan.get_status_display()}，{plan.reviewed_at:%Y年%m月%d日}）"
            + (f" 意见：{plan.review_comment}" if plan.review_comment else "")
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


class PlanParams(ParamsForm):
    plan = forms.IntegerField(widget=forms.HiddenInput)


@register
class PlanDocxExporter(Exporter):
    identifier = "plans.plan_docx"
    verbose_name = "研修计划（Word）"
    permission = "school:read_public"
    category = "研修计划"
    form_class = PlanParams
    listed = False  # offered from the plan's page

    def available(self, scope) -> bool:
        # Anyone signed in may ask; the plan itself is fetched through the door (404 if out of reach),
        # which also lets the district read a plan submitted to it.
        return scope.is_authenticated

    def render(self, *, actor, params) -> tuple[str, str, bytes]:
        plan = get_object_for_user(actor, Plan, Plan.objects.select_related("school", "group", "teacher", "term"), pk=params["plan"])
        return plan_filename(plan), DOCX, plan_docx(plan)
