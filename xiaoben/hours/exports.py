"""Files the 学时 ledger produces: the school's statistics (.xlsx) and a teacher's
学时证明 (.docx). Each returns (filename, mimetype, bytes)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.http import Http404

from xiaoben.core.exporters import Exporter, register
from xiaoben.core.formatting import num, zh_date
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.core.xlsx import workbook_bytes
from xiaoben.org.models import School, Teacher
from xiaoben.org.selectors import today
from xiaoben.reportkit.params import TeacherYearParams, YearParams

from .models import HourCategory
from .selectors import ledger_summary, school_hour_stats, targets_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def stats_xlsx(*, school: School, year: int) -> tuple[str, str, bytes]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    t = targets_for(school, year)
    wb = Workbook()
    ws = wb.active
    ws.title = f"{year}年学时统计"
    ws.append([f"{school.name} {year}年度教师学时统计（年度目标 {t.year} 学时，{t.cycle_label}周期目标 {t.cycle} 学时）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=10)
    ws["A1"].font = Font(bold=True, size=13)
    header = ["工号", "姓名", "学科", *[str(label) for _, label in HourCategory.choices], "年度合计", "年度达标", "周期累计", "周期完成率"]
    ws.append(header)
    for c in ws[2]:
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="DDEBF7")
        c.alignment = Alignment(horizontal="center")
    # iterator(): constant memory for a large school
    for row in school_hour_stats(school=school, year=year).iterator(chunk_size=500):
        mine = t.for_teacher(row, year)
        ws.append(
            [
                row.staff_no,
                row.name,
                row.subject,
                *[float(getattr(row, f"cat_{c}")) for c in HourCategory.values],
                float(row.year_total),
                "达标" if row.year_total >= mine.year else f"差{mine.year - row.year_total}",
                float(row.cycle_total),
                float(min(Decimal(1), row.cycle_total / mine.cycle)) if mine.cycle else 1.0,
            ]
        )
    for r in ws.iter_rows(min_row=3, min_col=len(header), max_col=len(header)):
        for c in r:
            c.number_format = "0.0%"
    for col, width in zip("ABCDEFGHIJK", [10, 10, 8, 10, 10, 10, 10, 10, 10, 10, 11], strict=False):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "C3"
    return f"{school.short_name or school.name}_{year}年学时统计.xlsx", XLSX, workbook_bytes(wb)


def certificate_docx(*, teacher: Teacher, year: int) -> tuple[str, str, bytes]:
    """学时证明: hours by category for the year and the cycle, with signature and stamp spaces.
    The school's own template when it has one (reports.doc_kinds), else the default layout."""
    from xiaoben.reportkit.documents import render_document

    s = ledger_summary(teacher, year)
    data = render_document(
        "certificate", teacher.school, lambda: certificate_context(teacher, year, s), lambda _ctx: _certificate_docx(teacher, year, s)
    )
    return f"{teacher.name}_{year}年学时证明.docx", DOCX, data


def _certificate_docx(teacher: Teacher, year: int, s) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    school = teacher.school
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.font.size = Pt(12)
    h = doc.add_paragraph()
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    from xiaoben.reportkit import docx_style as ds

    ds.title_run(h.add_run("教师继续教育学时证明"))
    doc.add_paragraph()
    doc.add_paragraph(
        f"兹证明 {teacher.name} 同志（工号 {teacher.staff_no}），系我校{teacher.subject or ''}教师。"
        f"{year}年度参加教师培训与校本研修，累计获得学时 {num(s.year_totals['total'])} 学时"
        f"（年度要求 {num(s.targets.year)} 学时）；{s.targets.cycle_label}培训周期累计 {num(s.cycle_totals['total'])} 学时"
        f"（周期要求 {num(s.targets.cycle)} 学时）。明细如下："
    ).paragraph_format.first_line_indent = Pt(24)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["学时类别", f"{year}年度", f"{s.targets.cycle_label}周期累计"], strict=True):
        cell.text = text
    for r in s.rows():
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = r["label"], num(r["year"]), num(r["cycle"])
    cells = table.add_row().cells
    cells[0].text, cells[1].text, cells[2].text = "合计", num(s.year_totals["total"]), num(s.cycle_totals["total"])
    doc.add_paragraph()
    doc.add_paragraph("特此证明。").paragraph_format.first_line_indent = Pt(24)
    doc.add_paragraph()
    for text in ("学校负责人（签字）：____________", f"{school.name}（盖章）", zh_date(today())):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- registry


@register
class HourCertificateExporter(Exporter):
    identifier = "hours.certificate_docx"
    verbose_name = "学时证明"
    permission = "hours:claim"
    category = "学时"
    form_class = TeacherYearParams

    def available(self, scope):
        return scope.can("hours:claim") or scope.can("hours:approve_school")

    def render(self, *, actor, params):
        teacher = get_object_for_user(
            actor, Teacher, Teacher.objects.select_related("school"), pk=params.get("teacher") or actor.teacher_id
        )
        if not (actor.is_self(teacher.pk) or actor.admin_of(teacher.school_id)):
            raise Http404
        return certificate_docx(teacher=teacher, year=int(params.get("year") or today().year))


@register
class HourStatsExporter(Exporter):
    identifier = "hours.stats_xlsx"
    verbose_name = "全校学时统计（Excel）"
    permission = "hours:approve_school"
    category = "学时"
    form_class = YearParams

    def render(self, *, actor, params):
        sid = actor.school_id
        if sid is None or not actor.can("hours:approve_school", sid):
            raise Http404
        return stats_xlsx(school=School.objects.get(pk=sid), year=int(params.get("year") or today().year))


def certificate_context(teacher, year: int, s) -> dict:
    from xiaoben.org.selectors import today

    return {
        "teacher": teacher.name,
        "staff_no": teacher.staff_no,
        "subject": teacher.subject or "",
        "school": teacher.school.name,
        "year": year,
        "year_total": num(s.year_totals["total"]),
        "year_target": num(s.targets.year),
        "cycle_label": s.targets.cycle_label,
        "cycle_total": num(s.cycle_totals["total"]),
        "cycle_target": num(s.targets.cycle),
        "rows": [{"label": r["label"], "year": num(r["year"]), "cycle": num(r["cycle"])} for r in s.rows()],
        "date": zh_date(today()),
    }
