"""The summary as a document: a plain structure (for docxtpl templates and the page) and
the default .docx (标题 黑体 小二, 正文 仿宋 小四, 1.5 倍行距, 页码)."""

from __future__ import annotations

from xiaoben.org.selectors import today
from xiaoben.reportkit import docx_style as ds
from xiaoben.reportkit import summary as sm

CN_NUM = "一二三四五六七八九十"


def cn_number(n: int) -> str:
    """1 → 一, 11 → 十一, 23 → 二十三: how a school numbers its sections (never "11、")."""
    if n <= 10:
        return CN_NUM[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_NUM[tens - 1]) + "十" + (CN_NUM[ones - 1] if ones else "")


def default_title(period: sm.Period) -> str:
    what = "教研组工作总结" if period.group else "校本研修工作总结"
    return f"{period.owner_name}{period.label}{what}"


def hints(sections: list[sm.Section]) -> tuple[str, str]:
    problems = [p for s in sections for p in s.problems]
    steps = [p for s in sections for p in s.next_steps]
    number = lambda items: "\n".join(f"{i}. {t}" for i, t in enumerate(items, 1))  # noqa: E731
    return number(problems), number(steps)


def context(period: sm.Period, sections: list[sm.Section], prose: dict, title: str = "") -> dict:
    """Everything a template may print: see TEMPLATE_FIELDS in templates_docx.py."""
    problems_hint, steps_hint = hints(sections)
    d = today()
    return {
        "title": title or default_title(period),
        "school": period.schools[0].name if len(period.schools) == 1 else period.owner_name,
        "group": period.group.name if period.group else "",
        "period": period.label,
        "intro": prose.get("intro", ""),
        "sections": [
            {
                "number": cn_number(i),
                "title": s.title,
                "paragraphs": [p.text for p in s.paragraphs] + ([prose[f"section.{s.key}"]] if prose.get(f"section.{s.key}") else []),
            }
            for i, s in enumerate((s for s in sections if s.paragraphs or prose.get(f"section.{s.key}")), 1)
        ],
        "figures": {k: f.text for k, f in period.figures.items()},
        "problems": _lines(prose.get("problems") or problems_hint),
        "next_steps": _lines(prose.get("next_steps") or steps_hint),
        "closing": prose.get("closing", ""),
        "date": f"{d.year}年{d.month}月{d.day}日",
    }


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def default_docx(ctx: dict) -> bytes:
    doc = ds.new_document()
    ds.title(doc, ctx["title"])
    if ctx["intro"]:
        for line in _lines(ctx["intro"]):
            ds.paragraph(doc, line)
    n = 0
    for s in ctx["sections"]:
        ds.heading(doc, f"{s['number']}、{s['title']}")
        for text in s["paragraphs"]:
            for line in _lines(text):
                ds.paragraph(doc, line)
        n += 1
    for heading, lines in (("存在问题", ctx["problems"]), ("下一步打算", ctx["next_steps"])):
        if lines:
            ds.heading(doc, f"{cn_number(n + 1)}、{heading}")
            for line in lines:
                ds.paragraph(doc, line)
            n += 1
    for line in _lines(ctx["closing"]):
        ds.paragraph(doc, line)
    doc.add_paragraph()
    ds.paragraph(doc, ctx["school"] + (ctx["group"] if ctx["group"] else ""), indent=False, align="right")
    ds.paragraph(doc, ctx["date"], indent=False, align="right")
    return ds.to_bytes(doc)
