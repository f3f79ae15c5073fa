"""One document style for every .docx: how a school's printed documents look.

标题 黑体 小二 (18 pt), 小标题 黑体 四号 (14 pt), 正文 仿宋 小四 (12 pt), 1.5 倍行距,
页码 centred at the foot ("第 X 页 共 Y 页"), A4 with 2.54/3.17 cm margins (Word's defaults)."""

from __future__ import annotations

import contextlib
import contextvars
import io
import zipfile
from collections.abc import Callable, Hashable, Iterator, Sequence
from typing import Any

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt
from docx.styles.style import ParagraphStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

BODY_FONT = "仿宋"
TITLE_FONT = "黑体"
XIAO_ER = Pt(18)
SI_HAO = Pt(14)
XIAO_SI = Pt(12)
WU_HAO = Pt(10.5)


def _east_asia(run_or_style: Run | ParagraphStyle, font: str) -> None:
    run_or_style.font.name = font
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), font)


def _field(run: Run, instr: str) -> None:
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("end", None)):
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def new_document(*, body_font: str = BODY_FONT, page_numbers: bool = True, landscape: bool = False) -> DocxDocument:
    return blank_document(
        ("house", body_font, page_numbers, landscape),
        lambda: _new_document(body_font=body_font, page_numbers=page_numbers, landscape=landscape),
    )


def _new_document(*, body_font: str, page_numbers: bool, landscape: bool) -> DocxDocument:
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = (Cm(29.7), Cm(21)) if landscape else (Cm(21), Cm(29.7))
    sec.top_margin = sec.bottom_margin = Cm(2.54)
    sec.left_margin = sec.right_margin = Cm(2.8)
    normal = doc.styles["Normal"]
    assert isinstance(normal, ParagraphStyle)
    _east_asia(normal, body_font)
    normal.font.size = XIAO_SI
    pf = normal.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    pf.space_after = Pt(0)
    if page_numbers:
        p = sec.footer.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run("第 ")
        _field(p.add_run(), "PAGE")
        p.add_run(" 页 共 ")
        _field(p.add_run(), "NUMPAGES")
        p.add_run(" 页")
    return doc


def title(doc: DocxDocument, text: str, *, subtitle: str = "") -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    _east_asia(run, TITLE_FONT)
    run.font.size = XIAO_ER
    run.bold = False
    if subtitle:
        s = doc.add_paragraph()
        s.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = s.add_run(subtitle)
        r.font.size = XIAO_SI
    return p


def title_run(run: Run, size: Length = XIAO_ER) -> None:
    """A title run of a layout of its own (a form): 黑体, not bold, 小二."""
    _east_asia(run, TITLE_FONT)
    run.font.size = size
    run.bold = False


def heading(doc: DocxDocument, text: str) -> Paragraph:
    p = doc.add_paragraph()
    run = p.add_run(text)
    _east_asia(run, TITLE_FONT)
    run.font.size = SI_HAO
    return p


def paragraph(doc: DocxDocument, text: str, *, indent: bool = True, bold: bool = False, align: str = "") -> Paragraph:
    """Body text: first line indented two characters, as Chinese documents are."""
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(24)
    if align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(text)
    run.bold = bold
    return p


def cell(c: _Cell, text: object, *, bold: bool = False, center: bool = False, size: Length | None = None) -> None:
    c.text = ""
    p = c.paragraphs[0]
    p.paragraph_format.first_line_indent = Pt(0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("" if text is None else str(text))
    run.bold = bold
    run.font.size = size or WU_HAO


def table(doc: DocxDocument, header: list[str], rows: Sequence[Sequence[Any]], *, widths_cm: list[float] | None = None) -> Table:
    t: Table = doc.add_table(rows=1, cols=len(header))
    t.style = "Table Grid"
    for i, h in enumerate(header):
        cell(t.cell(0, i), h, bold=True, center=True)
    for row in rows:
        cells = t.add_row().cells  # type: ignore[no-untyped-call]  # python-docx leaves add_row unannotated
        for i, v in enumerate(row):
            cell(cells[i], v)
    widths_cm = widths_cm or _fitted_widths(doc, header, rows)
    for i, w in enumerate(widths_cm):
        t.columns[i].width = Cm(w)  # the grid (LibreOffice/WPS read it) …
    for row in t.rows:
        for i, w in enumerate(widths_cm):
            row.cells[i].width = Cm(w)  # … and each cell (Word reads these)
    return t


def _text_cm(text: object) -> float:
    """About how wide a line of 五号 text is: a Chinese character 0.37 cm, a Latin one half."""
    return sum(0.37 if ord(ch) > 0x2E7F else 0.2 for ch in str(text))


def _fitted_widths(doc: DocxDocument, header: list[str], rows: Sequence[Sequence[Any]]) -> list[float]:
    """Columns as wide as their text needs, within the page: a date, a name or a score on one
    line, and the room left to the long columns (评课意见, 课题). Equal columns squeeze long text
    into a strip one character wide."""
    sec = doc.sections[0]
    total = ((sec.page_width or 0) - (sec.left_margin or 0) - (sec.right_margin or 0)) / 360000  # EMU → cm
    pad = 0.3
    natural = []
    for i, h in enumerate(header):
        texts = [h] + [r[i] for r in rows if i < len(r) and r[i] is not None]
        natural.append(min(max(_text_cm(t) for t in texts), 15.0) + pad)
    if sum(natural) <= total:
        return [total * n / sum(natural) for n in natural]
    # too wide: short columns keep their natural width, the long ones share what is left
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(natural)) if i not in fixed]
        left = total - sum(fixed.values())
        share = left / max(1, len(free))
        newly = {i: natural[i] for i in free if natural[i] <= share}
        if not newly or len(newly) == len(free):
            fixed.update(newly)
            break
        fixed.update(newly)
    free = [i for i in range(len(natural)) if i not in fixed]
    left = max(total - sum(fixed.values()), 0.0)
    weight = sum(natural[i] for i in free) or 1.0
    return [fixed[i] if i in fixed else left * natural[i] / weight for i in range(len(natural))]


def to_bytes(doc: DocxDocument) -> bytes:
    reusable: _Reusable | None = getattr(doc, "_xb_reusable", None)
    if reusable is not None:
        return reusable.save(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- many documents, fast
#
# python-docx spends most of a small document's time opening its default template (parsing
# every part) and saving (serialising and deflating every part again). Building hundreds of
# documents (the term archive), one Document per layout is kept: its body is emptied for the
# next document, and only word/document.xml is serialised; the other parts (styles, footer
# with page numbers, settings…) are copied from the first save. Documents built this way may
# add paragraphs and tables with existing styles only (no images, hyperlinks or new parts).

_REUSE: contextvars.ContextVar[dict[Hashable, _Reusable] | None] = contextvars.ContextVar("docx_reuse", default=None)


@contextlib.contextmanager
def reuse_documents() -> Iterator[None]:
    token = _REUSE.set({})
    try:
        yield
    finally:
        _REUSE.reset(token)


class _Reusable:
    def __init__(self, doc: DocxDocument) -> None:
        self.doc = doc
        body = doc.element.body
        self.sect = body.sectPr
        buf = io.BytesIO()
        doc.save(buf)
        with zipfile.ZipFile(buf) as z:
            self.parts = [(i, z.read(i.filename)) for i in z.infolist()]
        doc._xb_reusable = self  # type: ignore[attr-defined]  # to_bytes finds the kept parts through the document

    def fresh(self) -> DocxDocument:
        body = self.doc.element.body
        for child in list(body):
            if child is not self.sect:
                body.remove(child)
        return self.doc

    def save(self, doc: DocxDocument) -> bytes:
        from docx.opc.oxml import serialize_part_xml

        main = serialize_part_xml(doc.part.element)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            for info, data in self.parts:
                z.writestr(info.filename, main if info.filename == "word/document.xml" else data)
        return out.getvalue()


def blank_document(key: Hashable, build: Callable[[], DocxDocument]) -> DocxDocument:
    """`build()` → a new Document; inside `reuse_documents()` the one kept for `key`, emptied."""
    pool = _REUSE.get()
    if pool is None:
        return build()
    r = pool.get(key)
    if r is None:
        r = pool[key] = _Reusable(build())
    return r.fresh()
