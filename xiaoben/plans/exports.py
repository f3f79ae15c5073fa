"""A plan as a .docx in the school's usual format: title, 一、二、… sections, and the
每月安排 as "九月份：1、…" lines (seed 000 篇11), then the approval line.

`plan_docx(plan) -> bytes` renders — in the school's own Word template when it uploaded one
(reports' 文档模板 page registers the document "plan" from the placeholders, the shipped default
template and the preview kept here), else the default layout; `PlanDocxExporter` registers it
with the exporter registry (the plan page's 导出 Word button)."""

from __future__ import annotations

import re

from django import forms

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import zh_date
from xiaoben.core.html import html_to_text
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.reportkit.params import ParamsForm

from .models import Plan, PlanLevel, PlanSection, SectionKey

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


def _paragraphs(html: str) -> list[str]:
    return [line.strip() for line in html_to_text(html).split("\n") if line.strip()]


def plan_context(plan: Plan) -> dict:
    """What a plan's document says, as the names a school's template uses (PLAN_DOCUMENT's
    placeholders): the sections numbered 一、二、…, the 每月安排 under its own section, the
    approval line. The default layout and an uploaded template read the same dict."""
    months = [
        {"label": label, "entries": [{"number": i, "text": text} for i, text in enumerate(lines, 1)]} for label, lines in _month_lines(plan)
    ]
    sections = list(plan.sections.all())
    if months and not any(s.key == SectionKey.MONTHLY for s in sections):
        sections.append(PlanSection(key=SectionKey.MONTHLY, title="每月安排", body=""))
    out, n = [], 0
    for s in sections:
        preface = s.title == "前言"
        if not preface:
            n += 1
        number = "" if preface else cn_ordinal(n)
        out.append(
            {
                "number": number,
                "title": s.title,
                "heading": f"{number}、{s.title}" if number else "",
                "paragraphs": _paragraphs(s.body),
                "months": months if s.key == SectionKey.MONTHLY else [],
            }
        )
    review = ""
    if plan.reviewed_at and plan.reviewed_by_id:
        review = f"审阅：{plan.reviewed_by.display_name}（{plan.get_status_display()}，{plan.reviewed_at:%Y年%m月%d日}）" + (
            f" 意见：{plan.review_comment}" if plan.review_comment else ""
        )
    day = (plan.submitted_at or plan.created_at).date() if (plan.submitted_at or plan.created_at) else None
    return {
        "title": plan.title,
        "school": plan.school.name if plan.school_id else (plan.region.name if plan.region_id else ""),
        "owner": plan.owner_label,
        "level": plan.get_level_display(),
        "period": plan.period_label,
        "revision": f"第{plan.revision}版",
        "status": plan.get_status_display(),
        "sections": out,
        "months": months,
        "review": review,
        "date": zh_date(day),
    }


def default_docx(ctx: dict) -> bytes:
    """The default layout (the house style of reportkit.docx_style), when the school has no template."""
    from xiaoben.reportkit import docx_style as ds

    doc = ds.new_document()
    ds.title(doc, ctx["title"], subtitle=f"{ctx['owner']} · {ctx['period']} · {ctx['revision']} · {ctx['status']}")
    for s in ctx["sections"]:
        if s["heading"]:
            ds.heading(doc, s["heading"])
        for para in s["paragraphs"]:
            ds.paragraph(doc, para)
        for m in s["months"]:
            ds.paragraph(doc, f"{m['label']}：", indent=False, bold=True)
            for it in m["entries"]:
                ds.paragraph(doc, f"{it['number']}、{it['text']}")
    if ctx["review"]:
        ds.paragraph(doc, "", indent=False)
        ds.paragraph(doc, ctx["review"], indent=False)
    ds.paragraph(doc, ctx["owner"], indent=False, align="right")
    if ctx["date"]:
        ds.paragraph(doc, ctx["date"], indent=False, align="right")
    return ds.to_bytes(doc)


def plan_docx(plan: Plan) -> bytes:
    """The plan in its school's own template when it uploaded one (reports' 文档模板), else the default layout."""
    from xiaoben.reportkit.documents import render_document

    return render_document("plan", plan.school if plan.school_id else None, plan_context(plan), default_docx)


def plan_preview(scope, school) -> tuple[str, str, bytes] | None:
    """The template page's 预览: the school's current school plan (or any plan of the school the admin sees)."""
    from xiaoben.core.tenancy import visible_to

    qs = visible_to(scope, Plan).filter(school=school, is_current=True).select_related("school", "group", "teacher", "term", "region")
    plan = qs.filter(level=PlanLevel.SCHOOL).order_by("-start_year", "-pk").first() or qs.order_by("-start_year", "-pk").first()
    if plan is None:
        return None
    return plan_filename(plan), DOCX, plan_docx(plan)


PLAN_EXAMPLE = {
    "title": "南湖区实验小学2026-2027学年第一学期校本研修计划",
    "school": "南湖区实验小学",
    "owner": "南湖区实验小学",
    "level": "学校校本研修计划",
    "period": "2026-2027学年第一学期",
    "revision": "第1版",
    "status": "已提交",
    "sections": [
        {
            "number": "一",
            "title": "指导思想",
            "heading": "一、指导思想",
            "paragraphs": ["以区教研室工作要点为指导，立足课堂，以校为本……"],
            "months": [],
        },
        {
            "number": "二",
            "title": "每月安排",
            "heading": "二、每月安排",
            "paragraphs": [],
            "months": [
                {"label": "九月份", "entries": [{"number": 1, "text": "制定校本研修计划"}, {"number": 2, "text": "集体备课（各教研组）"}]}
            ],
        },
    ],
    "months": [{"label": "九月份", "entries": [{"number": 1, "text": "制定校本研修计划"}, {"number": 2, "text": "集体备课（各教研组）"}]}],
    "review": "审阅：王校长（已批准，2026年09月05日）",
    "date": "2026年9月1日",
}

# The plan as a document a school may restyle (registered by reports/doc_kinds.py): the names a
# template may use (name, meaning, example) and the shipped default, line by line.
PLAN_PLACEHOLDERS = (
    ("{{ title }}", "计划标题", PLAN_EXAMPLE["title"]),
    ("{{ school }}", "学校（区域计划时为区域）名称", "南湖区实验小学"),
    ("{{ owner }}", "计划所属：学校、教研组或教师姓名", "语文组"),
    ("{{ level }}", "计划层级", "教研组/备课组计划"),
    ("{{ period }}", "学期或学年", "2026-2027学年第一学期"),
    ("{{ revision }}", "版本", "第2版"),
    ("{{ status }}", "状态", "已批准"),
    (
        "{%p for s in sections %}…{%p endfor %}",
        "逐节输出：s.heading（如“一、指导思想”，前言为空）、s.number、s.title、s.paragraphs（段落列表）、"
        "s.months（仅“每月安排”一节有：每月 m.label 与 m.entries）",
        "一、指导思想",
    ),
    (
        "{%p for m in months %}…{%p endfor %}",
        "每月安排（也可单独使用）：m.label（九月份）、m.entries（每项 it.number、it.text）",
        "九月份：1、制定校本研修计划",
    ),
    ("{{ review }}", "审阅意见（未审阅时为空）", PLAN_EXAMPLE["review"]),
    ("{{ date }}", "落款日期（提交或建立日期）", "2026年9月1日"),
)

PLAN_DEFAULT_TEXT = (
    ("title", "{{ title }}"),
    ("center", "{{ owner }} · {{ period }} · {{ revision }} · {{ status }}"),
    ("body", "{%p for s in sections %}"),
    ("body", "{%p if s.heading %}"),
    ("heading", "{{ s.heading }}"),
    ("body", "{%p endif %}"),
    ("body", "{%p for para in s.paragraphs %}"),
    ("body", "{{ para }}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p for m in s.months %}"),
    ("body", "{{ m.label }}："),
    ("body", "{%p for it in m.entries %}"),
    ("body", "{{ it.number }}、{{ it.text }}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p endfor %}"),
    ("body", "{%p endfor %}"),
    ("body", "{{ review }}"),
    ("right", "{{ owner }}"),
    ("right", "{{ date }}"),
)


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
