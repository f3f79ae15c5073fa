"""工作总结 section from 研修文章: reflections, 心得, cases, papers by kind (submitted only)."""

from __future__ import annotations

from django.urls import reverse

from xiaoben.activities.summary import activity_row, held
from xiaoben.core.records import RecordRow
from xiaoben.reportkit.summary import P, Section, section

from .metrics import COUNTED, writing_row
from .models import Book, Writing, WritingKind


@section("writings", title="教学反思与研修文章", order=45)
def writings_section(period):
    qs = Writing.objects.filter(period.q(teacher="author"), COUNTED).exclude(kind="reading_note").select_related("author")
    total = period.figure("writings.total", "研修文章", qs, unit="篇", describe=writing_row)
    if not total.value:
        return Section(problems=[f"{period.word}尚无提交的教学反思与研修文章。"])
    by_kind = period.counts_by(qs, "kind")
    p = P(f"教师坚持撰写教学反思和研修心得，{period.word}共提交{{total}}", total=total)
    first = True
    for k, label in WritingKind.choices:
        if by_kind.get(k):
            p.extend(
                [
                    "，其中" if first else "，",
                    label,
                    period.figure(f"writings.kind.{k}", label, qs.filter(kind=k), unit="篇", value=by_kind[k], describe=writing_row),
                ]
            )
            first = False
    p.append("。")
    exc = period.figure("writings.excellent", "优秀文章", qs.filter(is_excellent=True), unit="篇", describe=writing_row)
    paras = [p]
    if exc.value:
        paras.append(P("经审阅评出优秀文章{exc}，在校内交流分享。", exc=exc))
    return Section(paragraphs=paras)


# 读书交流: the activities (kind reading) beside the books and notes, in writings because the books
# and notes are here (activities, below writings in the layers, does not read writings).
@section("reading", title="读书交流", order=30)
def reading_section(period):
    qs = held(period).filter(kind="reading")
    n = period.figure("reading.exchanges", "读书交流活动", qs, unit="次", describe=activity_row)
    books = Book.objects.filter(school_id__in=period.school_ids, school_year_id__in={t.school_year_id for t in period.terms})
    if period.group is not None:
        books = books.filter(teacher_id__in=period.member_ids)
    notes = Writing.objects.counted().filter(period.q(teacher="author"), kind="reading_note").select_related("author")
    n_books = period.figure(
        "reading.books",
        "登记书目",
        books.select_related("teacher"),
        unit="本",
        describe=lambda b: RecordRow(date=None, title=f"《{b.title}》", detail=b.teacher.name),
    )
    n_notes = period.figure("reading.notes", "读书笔记", notes, unit="篇", describe=note_row)
    chars = period.figure("reading.chars", "读书笔记字数", notes, unit="字", total="char_count", describe=note_row)
    if not (n.value or n_books.value or n_notes.value):
        return None
    return Section(
        paragraphs=[
            P(
                "组织教师读书学习，教师登记阅读书目{books}，撰写读书笔记{notes}，共{chars}；" + f"{period.word}开展教师读书交流活动{{n}}。",
                books=n_books,
                notes=n_notes,
                chars=chars,
                n=n,
            )
        ]
    )


def note_row(w) -> RecordRow:
    return RecordRow(
        date=w.written_on,
        title=w.title,
        detail=f"{w.author.name} · {w.get_kind_display()} · {w.char_count}字",
        url=reverse("writings:detail", args=[w.pk]),
    )
