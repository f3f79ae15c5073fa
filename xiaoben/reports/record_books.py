"""Record books and portfolios: 教研活动记录本 (a group's term), 听课记录本 (a teacher's term),
成长档案袋 (a teacher's school year). Each is a plain structure (for the page and for
templates) and a .docx in the house style. Callers pass objects already through the door."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from xiaoben.core.formatting import num, score
from xiaoben.core.html import html_to_text
from xiaoben.core.models import Attachment
from xiaoben.reportkit import docx_style as ds
from xiaoben.reportkit.portfolio import PortfolioPart, portfolio_parts

WEEKDAYS = "一二三四五六日"


def _when(d) -> str:
    if d is None:
        return ""
    if isinstance(d, dt.datetime):
        d = timezone.localtime(d)
        return f"{d.year}年{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）{d:%H:%M}"
    return f"{d.year}年{d.month}月{d.day}日"


def attachments_by_target(model, ids: list[int]) -> dict[int, list[Attachment]]:
    if not ids:
        return {}
    ct = ContentType.objects.get_for_model(model)
    out: dict[int, list[Attachment]] = {}
    for a in Attachment.objects.filter(target_type=ct, target_id__in=ids).order_by("created_at"):
        out.setdefault(a.target_id, []).append(a)
    return out


# ---------------------------------------------------------------- 教研活动记录本


def group_activities(group, term):
    from xiaoben.activities.models import Activity
    from xiaoben.org.models import Group

    ids = [group.pk, *Group.objects.filter(parent_id=group.pk).values_list("pk", flat=True)]
    return (
        Activity.objects.filter(group_id__in=ids, term=term)
        .exclude(status="cancelled")
        .select_related("host", "recorder", "group", "minutes")
        .prefetch_related("attendances__teacher", "attendances__leave")
        .order_by("starts_at", "pk")
    )


def activity_book(group, term) -> dict:
    acts = list(group_activities(group, term))
    files = attachments_by_target(acts[0].__class__, [a.pk for a in acts]) if acts else {}
    entries = []
    for a in acts:
        att = sorted(a.attendances.all(), key=lambda x: (x.teacher.staff_no, x.pk))
        minutes = getattr(a, "minutes", None)
        entries.append(
            {
                "activity": a,
                "when": _when(a.starts_at),
                "place": a.place,
                "title": a.title,
                "kind": a.get_kind_display(),
                "host": a.host.name if a.host else "",
                "recorder": a.recorder.name if a.recorder else "",
                "status": a.get_status_display(),
                "present": [
                    (x.teacher.name, timezone.localtime(x.signed_in_at).strftime("%H:%M") if x.signed_in_at else "")
                    for x in att
                    if x.status == "present"
                ],
                "leave": [x.teacher.name for x in att if x.status == "leave"],
                "absent": [x.teacher.name for x in att if x.status in ("absent", "invited")],
                "minutes": html_to_text(minutes.body) if minutes and minutes.body else "",
                "attachments": [f.name for f in files.get(a.pk, [])],
            }
        )
    return {"group": group, "term": term, "school": group.school, "entries": entries}


def activity_book_docx(book: dict) -> bytes:
    """The book in the school's template, else in the shipped default template (docxtpl renders
    a term's hundreds of activities far faster than building the tables cell by cell)."""
    from .doc_kinds import activity_book_context
    from .documents import render_document
    from .templates_docx import render_default

    return render_document(
        "activity_book", book["school"], lambda: activity_book_context(book), lambda ctx: render_default("activity_book", ctx)
    )


# ---------------------------------------------------------------- 听课记录本


def observation_book(teacher, term) -> dict:
    from xiaoben.observations.models import Observation

    obs = list(
        Observation.objects.counted()
        .filter(observer=teacher, term=term)
        .select_related("teacher", "term__school_year")
        .order_by("lesson_date", "period", "pk")
    )
    return {"teacher": teacher, "term": term, "observations": obs}


def observation_book_docx(book: dict) -> bytes:
    """The school's 听课记录本 template, else the shipped default template."""
    from .doc_kinds import observation_book_context
    from .documents import render_document
    from .templates_docx import render_default

    return render_document(
        "observation_book",
        book["teacher"].school,
        lambda: observation_book_context(book),
        lambda ctx: render_default("observation_book", ctx),
    )


# ---------------------------------------------------------------- 成长档案袋


def _feedback(*parts: str) -> str:
    """优点 and 建议 as one sentence run: "…可检测；建议…。", not "…可检测。；建议…"."""
    parts = [p.strip().rstrip("。；;，, ") for p in parts if p and p.strip()]
    return "；".join(parts) + "。" if parts else ""


def portfolio(teacher, school_year) -> dict:
    from django.db.models import Sum

    from xiaoben.hours.models import HourEntry
    from xiaoben.mentoring.models import Mentorship
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    terms = list(school_year.terms.order_by("number"))
    start = min((t.start_date for t in terms), default=dt.date(school_year.start_year, 9, 1))
    end = max((t.end_date for t in terms), default=dt.date(school_year.start_year + 1, 8, 31))
    obs = (
        Observation.objects.counted().filter(Q(observer=teacher) | Q(teacher=teacher), term__in=terms).select_related("teacher", "observer")
    )
    given = [o for o in obs if o.observer_id == teacher.pk]
    received = [o for o in obs if o.teacher_id == teacher.pk and o.observer_id != teacher.pk]
    writings = list(Writing.objects.counted().filter(author=teacher, term__in=terms).order_by("written_on"))
    hours = HourEntry.objects.counted().filter(teacher=teacher, date__gte=start, date__lte=end)
    by_cat = {c: v for c, v in hours.order_by().values_list("category").annotate(v=Sum("hours"))}
    pairs = list(
        Mentorship.objects.filter(Q(mentor=teacher) | Q(mentee=teacher), school_year=school_year).select_related("mentor", "mentee")
    )
    from xiaoben.hours.models import HourCategory

    parts = [
        PortfolioPart(
            "听课（我听的课）",
            ["日期", "授课教师", "课题", "课型", "总分"],
            [[f"{o.lesson_date:%Y-%m-%d}", o.teacher.name, o.lesson_title, o.get_kind_display(), score(o.total)] for o in given],
        ),
        PortfolioPart(
            "被听课与评课意见",
            ["日期", "听课人", "课题", "总分", "评课意见"],
            [
                [
                    f"{o.lesson_date:%Y-%m-%d}",
                    o.observer.name,
                    o.lesson_title,
                    score(o.total),
                    _feedback(o.strengths, o.suggestions),
                ]
                for o in received
            ],
        ),
        PortfolioPart(
            "研修文章",
            ["日期", "类型", "标题", "字数"],
            [[f"{w.written_on:%Y-%m-%d}", w.get_kind_display(), w.title, w.char_count] for w in writings],
        ),
        PortfolioPart(
            "学时",
            ["类别", "学时"],
            [[label, num(by_cat.get(c, 0))] for c, label in HourCategory.choices] + [["合计", num(sum(by_cat.values()) if by_cat else 0)]],
        ),
        PortfolioPart(
            "师徒结对", ["师傅", "徒弟", "结对日期"], [[p.mentor.name, p.mentee.name, f"{p.start_date:%Y-%m-%d}"] for p in pairs]
        ),
    ]
    for fn in portfolio_parts():
        part = fn(teacher, school_year, terms)
        if part:
            parts.append(part)
    return {"teacher": teacher, "school_year": school_year, "parts": parts}


def portfolio_docx(p: dict) -> bytes:
    from .doc_kinds import portfolio_context
    from .documents import render_document

    return render_document("portfolio", p["teacher"].school, lambda: portfolio_context(p), lambda _ctx: _portfolio_docx(p))


def _portfolio_docx(p: dict) -> bytes:
    t = p["teacher"]
    doc = ds.new_document()
    ds.title(doc, f"{t.name}教师成长档案袋", subtitle=f"{t.school.name} {p['school_year'].name}")
    ds.heading(doc, "基本信息")
    ds.table(
        doc,
        ["姓名", "工号", "学科", "职称", "学历", "参加工作"],
        [
            [
                t.name,
                t.staff_no,
                t.subject,
                t.get_title_display(),
                t.get_education_display(),
                f"{t.teaching_since:%Y年%m月}" if t.teaching_since else "",
            ]
        ],
    )
    for part in p["parts"]:
        ds.heading(doc, part.title)
        if part.rows:
            ds.table(doc, part.header, part.rows)
        else:
            ds.paragraph(doc, "无")
        if part.note:
            ds.paragraph(doc, part.note)
    return ds.to_bytes(doc)
