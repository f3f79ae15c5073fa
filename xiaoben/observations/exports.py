"""听课记录表 (.docx, laid out like the paper form) and lists (.xlsx)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import num
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.core.xlsx import workbook_bytes
from xiaoben.reportkit.params import TermParams

from .models import Observation

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEEKDAYS = "一二三四五六日"


def _cell(cell, text: str, bold: bool = False, size: int = 11, center: bool = False):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    cell.text = ""
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(str(text))
    run.bold = bold
    run.font.size = Pt(size)
    run.font.name = "宋体"
    run._element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def observation_docx(obs: Observation, rows: list[dict]) -> tuple[str, str, bytes]:
    """听课记录表: the school's own template when it has one (reports.doc_kinds), else the default layout."""
    from xiaoben.reportkit.documents import render_document

    data = render_document("observation", obs.school, lambda: observation_context(obs, rows), lambda _ctx: _observation_docx(obs, rows))
    return f"听课记录表-{obs.teacher.name}-{obs.lesson_date:%Y%m%d}.docx", DOCX, data


def _observation_docx(obs: Observation, rows: list[dict]) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from xiaoben.reportkit import docx_style as ds

    doc = ds.blank_document(("observations.record",), Document)
    sec = doc.sections[0]
    sec.left_margin = sec.right_margin = Cm(2)
    sec.top_margin = sec.bottom_margin = Cm(1.8)
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(11)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    ds.title_run(title.add_run(f"{obs.school.name}听课记录表"))
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    week = obs.term.week_of(obs.lesson_date)
    sub.add_run(f"{obs.term.name}　第{week}周　{'（补录）' if obs.is_backfilled else ''}").font.size = Pt(10)

    t = doc.add_table(rows=4, cols=6)
    t.style = "Table Grid"
    d = obs.lesson_date
    head = [
        (
            "授课教师",
            obs.teacher.name,
            "学科",
            obs.subject,
            "班级",
            f"{obs.grade or ''}年级{obs.class_name}" if obs.grade else obs.class_name,
        ),
        (
            "听课日期",
            f"{d.year}年{d.month}月{d.day}日 周{WEEKDAYS[d.weekday()]}",
            "节次",
            f"第{obs.period}节" if obs.period else "",
            "课型",
            obs.get_kind_display(),
        ),
        ("课题", obs.lesson_title, "", "", "", ""),
        ("听课人", obs.observer.name, "总分", num(obs.total), "等级", obs.grade_label),
    ]
    for r, values in enumerate(head):
        for c, v in enumerate(values):
            _cell(t.cell(r, c), v, bold=c % 2 == 0, center=c % 2 == 0)
    merged = t.cell(2, 1).merge(t.cell(2, 5))
    _cell(merged, obs.lesson_title)

    doc.add_paragraph()
    doc.add_paragraph().add_run("听课笔记（教学过程）").bold = True
    notes = doc.add_table(rows=1, cols=1)
    notes.style = "Table Grid"
    _cell(notes.cell(0, 0), obs.notes or "\n\n\n")

    doc.add_paragraph()
    doc.add_paragraph().add_run(f"课堂评价（{obs.rubric or '评价表'}）").bold = True
    st = doc.add_table(rows=1, cols=5)
    st.style = "Table Grid"
    for c, h in enumerate(["评价维度", "评价项目", "评价要点", "权重", "得分/满分"]):
        _cell(st.cell(0, c), h, bold=True, center=True)
    for row in rows:
        item = row["item"]
        cells = st.add_row().cells
        _cell(cells[0], item.dimension)
        _cell(cells[1], item.title)
        _cell(cells[2], item.descriptor, size=9)
        _cell(cells[3], num(item.weight), center=True)
        _cell(cells[4], f"{num(row['points']) if row['points'] is not None else '—'}/{num(item.max_points)}", center=True)

    doc.add_paragraph()
    doc.add_paragraph().add_run("评课意见（三个一）").bold = True
    fb = doc.add_table(rows=3, cols=2)
    fb.style = "Table Grid"
    for r, (label, text) in enumerate([("优点", obs.strengths), ("不足", obs.weaknesses), ("建议", obs.suggestions)]):
        _cell(fb.cell(r, 0), label, bold=True, center=True)
        _cell(fb.cell(r, 1), text or "")
        fb.cell(r, 0).width = Cm(2.2)
    doc.add_paragraph()
    entered = timezone.localtime(obs.created_at)
    foot = doc.add_paragraph(f"听课人签名：{obs.observer.name}　　　　录入时间：{entered:%Y-%m-%d %H:%M}")
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return ds.to_bytes(doc)


def observations_xlsx(qs) -> tuple[str, str, bytes]:
    from openpyxl.styles import Font

    from xiaoben.core.xlsx import append_row, write_only_workbook
    from xiaoben.core.xlsx import cell as xcell

    wb = write_only_workbook()  # row by row: the term archive lists every observation of a school
    ws = wb.create_sheet("听课记录")
    for col, width in zip("ABCDEFGHIJKLMNOP", [12, 7, 10, 7, 6, 10, 24, 9, 10, 7, 6, 6, 17, 30, 30, 30], strict=True):
        ws.column_dimensions[col].width = width
    headers = [
        "听课日期",
        "节次",
        "授课教师",
        "学科",
        "年级",
        "班级",
        "课题",
        "课型",
        "听课人",
        "总分",
        "等级",
        "补录",
        "录入时间",
        "优点",
        "不足",
        "建议",
    ]
    bold = Font(bold=True)
    ws.append([xcell(ws, h, font=bold) for h in headers])
    kinds = {k: str(v) for k, v in Observation._meta.get_field("kind").flatchoices}  # once, not per row
    for o in qs:
        append_row(
            ws,
            [
                o.lesson_date,
                f"第{o.period}节" if o.period else "",
                o.teacher.name,
                o.subject,
                o.grade,
                o.class_name,
                o.lesson_title,
                kinds.get(o.kind, o.kind),
                o.observer.name,
                float(o.total) if o.total is not None else None,
                o.grade_label,
                "补录" if o.is_backfilled else "",
                timezone.localtime(o.created_at).replace(tzinfo=None),
                o.strengths,
                o.weaknesses,
                o.suggestions,
            ],
        )
    return f"听课记录-{timezone.localdate():%Y%m%d}.xlsx", XLSX, workbook_bytes(wb)


# ---------------------------------------------------------------- registry


@register
class ObservationRecordExporter(Exporter):
    identifier = "observations.record_docx"
    verbose_name = "听课记录表"
    permission = "observations:write"
    category = "听课评课"
    listed = False  # offered on the observation's page

    def render(self, *, actor, params):
        from .selectors import observation_detail_qs, rubric_rows

        obs = get_object_for_user(actor, Observation, observation_detail_qs(actor), pk=params["observation"])
        return observation_docx(obs, rubric_rows(obs))


class ObservationListParams(TermParams):
    role = forms.ChoiceField(
        label="范围", choices=[("given", "我听的课"), ("received", "听我的课"), ("", "我能看到的全部")], required=False
    )


@register
class ObservationListExporter(Exporter):
    identifier = "observations.list_xlsx"
    verbose_name = "听课记录一览（Excel）"
    permission = "observations:write"
    category = "听课评课"
    form_class = ObservationListParams

    def render(self, *, actor, params):
        from django.http import Http404

        from xiaoben.org.models import Term

        from .selectors import observation_list

        if params.get("term"):
            term = get_object_for_user(actor, Term, pk=params["term"])
            if term.school_id not in actor.member_school_ids and not actor.is_platform_admin:
                raise Http404
        qs = observation_list(
            user=actor,
            term_id=params.get("term"),
            role=params.get("role", ""),
            kind=params.get("kind", ""),
            q=params.get("q", ""),
            backfilled=bool(params.get("backfilled")),
        )
        return observations_xlsx(qs[:5000])


def observation_context(obs, rows: list[dict]) -> dict:
    d = obs.lesson_date
    entered = timezone.localtime(obs.created_at)
    return {
        "school": obs.school.name,
        "term": obs.term.name,
        "week": obs.term.week_of(d),
        "backfilled": "（补录）" if obs.is_backfilled else "",
        "teacher": obs.teacher.name,
        "subject": obs.subject,
        "class_name": f"{obs.grade or ''}年级{obs.class_name}" if obs.grade else obs.class_name,
        "date": f"{d.year}年{d.month}月{d.day}日 周{WEEKDAYS[d.weekday()]}",
        "period": f"第{obs.period}节" if obs.period else "",
        "kind": obs.get_kind_display(),
        "lesson_title": obs.lesson_title,
        "observer": obs.observer.name,
        "total": num(obs.total),
        "grade": obs.grade_label,
        "notes": obs.notes,
        "rubric": str(obs.rubric or "评价表"),
        "scores": [
            {
                "dimension": r["item"].dimension,
                "title": r["item"].title,
                "descriptor": r["item"].descriptor,
                "weight": num(r["item"].weight),
                "points": num(r["points"]) if r["points"] is not None else "—",
                "max": num(r["item"].max_points),
            }
            for r in rows
        ],
        "strengths": obs.strengths,
        "weaknesses": obs.weaknesses,
        "suggestions": obs.suggestions,
        "entered_at": f"{entered:%Y-%m-%d %H:%M}",
    }
