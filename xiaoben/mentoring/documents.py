"""师徒结对协议书 as a Word document (python-docx), one page per pair, in the
shape schools print: the parties, period, goals, duties, the quotas, and a place
for both signatures and the school's seal."""

from __future__ import annotations

import io
from collections import defaultdict

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from xiaoben.core.formatting import zh_date
from xiaoben.reportkit import docx_style as ds

MENTOR_DUTIES = [
    "从备课、上课、批改作业、命题、辅导等方面对徒弟耐心传、帮、带。",
    "主动听徒弟的课，了解徒弟的不足，有针对性地给予指导，课后及时评课。",
    "每学期至少为徒弟上一节指导课（示范课），指导徒弟上好汇报课。",
]
MENTEE_DUTIES = [
    "虚心向师傅学习，积极听师傅的课，实地感受教学过程，学习成功经验。",
    "每课备好教案，主动请师傅审阅，课后及时写教学反思。",
    "每月与师傅如实填好“月报表”，重视资料的积累；期末写好结对工作总结。",
]


def _font(doc: Document) -> None:
    style = doc.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def agreements_docx(pairs, *, quotas=None) -> bytes:
    """The school's own template when it has one (reports.doc_kinds), else the default layout.
    The quotas are the school's requirements with each pair's own numbers (`quota_progress`;
    `quotas` is accepted and ignored, for old callers)."""
    from xiaoben.reportkit.documents import render_document

    from .selectors import quota_progress

    by_pair: dict = defaultdict(list)
    if pairs:
        by_pair.update(quota_progress(pairs, school_id=pairs[0].school_id, school_year=pairs[0].school_year))
    school = pairs[0].school if pairs else None
    return render_document("agreement", school, lambda: agreement_context(pairs, by_pair), lambda _ctx: _agreements_docx(pairs, by_pair))


def _agreements_docx(pairs, by_pair) -> bytes:
    doc = Document()
    _font(doc)
    sec = doc.sections[0]
    sec.top_margin = sec.bottom_margin = Cm(2)  # one pair, one page: the signatures stay on it
    for i, pair in enumerate(pairs):
        if i:
            doc.add_page_break()
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = title.add_run(f"{pair.school.name}\n师徒结对协议书")
        ds.title_run(run)
        doc.add_paragraph(
            f"学年：{pair.school_year.name}　　学科：{pair.subject or pair.mentee.subject}　　结对日期：{zh_date(pair.start_date)}"
        )
        doc.add_paragraph(f"师傅（指导教师）：{pair.mentor.name}　　徒弟（青年教师）：{pair.mentee.name}")
        doc.add_paragraph("为发挥骨干教师的传、帮、带作用，促进青年教师尽快成长，经学校研究，双方自愿结为师徒，签订本协议。")
        ds.heading(doc, "一、结对目标")
        doc.add_paragraph(pair.goals or "（由师徒双方商定后填写）")
        ds.heading(doc, "二、师傅职责")
        for n, d in enumerate(MENTOR_DUTIES, start=1):
            doc.add_paragraph(f"{n}．{d}")
        ds.heading(doc, "三、徒弟职责")
        for n, d in enumerate(MENTEE_DUTIES, start=1):
            doc.add_paragraph(f"{n}．{d}")
        ds.heading(doc, "四、听课要求（每学年）")
        qs = by_pair.get(pair.pk, [])
        for n, q in enumerate(qs, start=1):
            doc.add_paragraph(f"{n}．{q.quota.label}不少于{q.target}节。")
        if not qs:
            doc.add_paragraph("按学校要求执行。")
        ds.heading(doc, "五、考核")
        doc.add_paragraph(
            "学年末，师傅对徒弟进行评估，徒弟对结对工作进行评价，学校对师徒双方评定等第（优秀、合格、不合格），结果计入教师考核。"
        )
        table = doc.add_table(rows=2, cols=3)
        cells = table.rows[0].cells
        cells[0].text, cells[1].text, cells[2].text = "师傅（签名）：", "徒弟（签名）：", "学校（盖章）："
        cells = table.rows[1].cells
        for c in cells:
            c.text = "　　　　年　　月　　日"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def agreement_context(pairs, by_pair: dict) -> dict:
    first = pairs[0] if pairs else None
    return {
        "school": first.school.name if first else "",
        "pairs": [
            {
                "school": p.school.name,
                "school_year": p.school_year.name,
                "subject": p.subject or p.mentee.subject,
                "start_date": zh_date(p.start_date),
                "mentor": p.mentor.name,
                "mentee": p.mentee.name,
                "goals": p.goals or "（由师徒双方商定后填写）",
                "mentor_duties": [f"{n}．{d}" for n, d in enumerate(MENTOR_DUTIES, 1)],
                "mentee_duties": [f"{n}．{d}" for n, d in enumerate(MENTEE_DUTIES, 1)],
                "quotas": [f"{n}．{q.quota.label}不少于{q.target}节。" for n, q in enumerate(by_pair.get(p.pk, []), 1)]
                or ["按学校要求执行。"],
            }
            for p in pairs
        ],
    }
