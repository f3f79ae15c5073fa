"""Exports: a teacher's writings of a term as one .docx, the school's list as .xlsx."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from docx import Document
from docx.shared import Pt
from openpyxl.styles import Alignment, Font

from xiaoben.core.xlsx import append_row, workbook_bytes, write_only_workbook
from xiaoben.core.xlsx import cell as xcell

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Blocks(HTMLParser):
    """Sanitised HTML → paragraphs (with list bullets) and tables, enough for a printable record."""

    BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "blockquote", "pre"}

    def __init__(self):
        super().__init__()
        self.out: list = []  # ("p", text, style) | ("table", rows)
        self.buf: list[str] = []
        self.lists: list[list] = []  # stack of [tag, counter]
        self.table: list | None = None
        self.cell: list[str] | None = None

    def _flush(self, tag="p"):
        text = re.sub(r"[ \t\r\n]+", " ", "".join(self.buf)).strip()
        self.buf = []
        if not text:
            return
        if tag == "li" and self.lists:
            kind = self.lists[-1]
            kind[1] += 1
            text = (f"{kind[1]}. " if kind[0] == "ol" else "• ") + text
        self.out.append(("p", text, tag if tag in ("h1", "h2", "h3", "h4") else ""))

    def handle_starttag(self, tag, attrs):
        if tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag, 0])
        elif tag == "table":
            self._flush()
            self.table = []
        elif tag == "tr" and self.table is not None:
            self.table.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
        elif tag == "br":
            (self.cell if self.cell is not None else self.buf).append("\n")
        elif tag in self.BLOCK and self.cell is None:
            self._flush()

    def handle_endtag(self, tag):
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag in ("td", "th") and self.cell is not None and self.table:
            self.table[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.out.append(("table", [r for r in self.table if r]))
            self.table = None
        elif tag in self.BLOCK and self.cell is None:
            self._flush(tag)

    def handle_data(self, data):
        (self.cell if self.cell is not None else self.buf).append(data)

    def close(self):
        super().close()
        self._flush()
        return self.out


def _add_html(doc, html: str) -> None:
    parser = _Blocks()
    parser.feed(html or "")
    for block in parser.close():
        if block[0] == "table":
            rows = block[1]
            width = max(len(r) for r in rows) if rows else 0
            if not width:
                continue
            t = doc.add_table(rows=len(rows), cols=width)
            t.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, text in enumerate(r):
                    t.cell(i, j).text = text
        else:
            _, text, style = block
            if style:
                _styled(doc, text, f"Heading{min(4, int(style[1]) + 1)}")
            else:
                doc.add_paragraph(text)


def _styled(doc, text: str, style_id: str):
    """doc.add_heading without python-docx's style lookup by name (it walks every style of the
    document each call, most of an archive's 研修文章 time); the ids are the default template's."""
    p = doc.add_paragraph(text)
    p._p.style = style_id
    return p


def _status_labels() -> dict[str, str]:
    """Once per document, in the language of the request (get_status_display per row is slow)."""
    from .models import WritingStatus

    return {k: str(v) for k, v in WritingStatus.choices}


def _term_document():
    doc = Document()
    st = doc.styles["Normal"]
    st.font.size = Pt(11)
    st.font.name = "宋体"
    return doc


def term_docx(*, teacher, term, writings) -> bytes:
    from xiaoben.reportkit import docx_style as ds

    doc = ds.blank_document(("writings.term",), _term_document)
    status_labels = _status_labels()
    _styled(doc, f"{teacher.name} {term.name} 研修文章", "Title")
    total = sum(w.char_count for w in writings)
    doc.add_paragraph(f"{teacher.school.name}　共{len(writings)}篇，{total}字")
    for w in writings:
        _styled(doc, w.title, "Heading1")
        meta = f"{w.kind_label}　{w.written_on:%Y年%-m月%-d日}　{w.char_count}字　{status_labels.get(w.status, w.status)}"
        if w.book_id:
            meta += f"　书目：《{w.book.title}》"
        if w.is_excellent:
            meta += "　优秀"
        p = doc.add_paragraph(meta)
        p.runs[0].font.size = Pt(9)
        _add_html(doc, w.body)
        if w.review_comment:
            doc.add_paragraph(f"审阅意见（{w.reviewed_by.name if w.reviewed_by else ''}）：{w.review_comment}")
    return ds.to_bytes(doc)


HEADERS = ["工号", "作者", "类型", "标题", "写作日期", "字数", "状态", "优秀", "复制比", "查重结论", "审阅人"]


def school_xlsx(*, school, term, writings) -> bytes:
    """Written row by row (write-only): the term archive lists thousands of writings."""
    wb = write_only_workbook()
    ws = wb.create_sheet("研修文章")
    for col, width in zip("ABCDEFGHIJK", [8, 10, 12, 36, 12, 8, 8, 6, 8, 30, 10], strict=True):
        ws.column_dimensions[col].width = width
    ws.append([xcell(ws, f"{school.name} {term.name if term else ''} 研修文章一览", font=Font(bold=True, size=13))])
    bold, center = Font(bold=True), Alignment(horizontal="center")
    status_labels = _status_labels()
    ws.append([xcell(ws, h, font=bold, alignment=center) for h in HEADERS])
    for w in writings:
        share = round(w.copied_share, 3) if w.copied_share is not None else None
        append_row(
            ws,
            [
                w.author.staff_no,
                w.author.name,
                w.kind_label,
                w.title,
                xcell(ws, w.written_on, number_format="yyyy-mm-dd"),
                w.char_count,
                status_labels.get(w.status, w.status),
                "优秀" if w.is_excellent else "",
                xcell(ws, share, number_format="0%") if share is not None else None,
                w.get_copy_state_display() if w.copy_state else "",
                w.reviewed_by.name if w.reviewed_by else "",
            ],
        )
    return workbook_bytes(wb)


# ---------------------------------------------------------------- registry


def _registry():
    from django import forms
    from django.http import Http404

    from xiaoben.core.exporters import Exporter, register
    from xiaoben.core.tenancy import get_object_for_user, visible_to
    from xiaoben.org.models import Teacher, Term
    from xiaoben.org.selectors import current_term
    from xiaoben.reportkit.params import TeacherTermParams, TermParams

    from .models import Writing

    class WritingsTermParams(TeacherTermParams):
        drafts = forms.BooleanField(label="包括草稿", required=False)

    def _term(actor, params, school_id):
        if params.get("term"):
            term = get_object_for_user(actor, Term, Term.objects.select_related("school_year"), pk=params["term"])
            if term.school_id != school_id:
                raise Http404
            return term
        term = current_term(school_id)
        if term is None:
            raise Http404
        return term

    @register
    class WritingsTermExporter(Exporter):
        identifier = "writings.term_docx"
        verbose_name = "本学期研修文章（Word）"
        permission = "writings:write"
        category = "研修文章"
        form_class = WritingsTermParams

        def render(self, *, actor, params):
            tid = params.get("teacher") or actor.teacher_id
            if not tid:
                raise Http404
            teacher = get_object_for_user(actor, Teacher, Teacher.objects.select_related("school"), pk=tid)
            if not (actor.is_self(teacher.pk) or actor.admin_of(teacher.school_id)):
                raise Http404
            term = _term(actor, params, teacher.school_id)
            qs = visible_to(actor, Writing).filter(author=teacher, term=term)
            if not params.get("drafts"):  # drafts only when asked for (?drafts=1)
                qs = qs.exclude(status="draft")
            rows = list(qs.select_related("book", "reviewed_by").order_by("written_on", "id"))
            return f"{teacher.name}-{term.name}-研修文章.docx", DOCX, term_docx(teacher=teacher, term=term, writings=rows)

    @register
    class WritingsSchoolExporter(Exporter):
        identifier = "writings.school_xlsx"
        verbose_name = "全校研修文章一览（Excel）"
        permission = "reports:export"
        category = "研修文章"
        form_class = TermParams

        def render(self, *, actor, params):
            from xiaoben.org.models import School

            school = School.objects.filter(pk=actor.school_id).first()
            if school is None or not actor.can("reports:export", school_id=school.pk):
                raise Http404
            term = _term(actor, params, school.pk)
            rows = (
                visible_to(actor, Writing)
                .filter(school=school, term=term)
                .exclude(status="draft")
                .select_related("author", "reviewed_by")
                .order_by("author__staff_no", "written_on", "id")
            )
            return f"{school.name}-{term.name}-研修文章.xlsx", XLSX, school_xlsx(school=school, term=term, writings=rows)


_registry()
