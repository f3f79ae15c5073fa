"""Writes for writings (研修文章) and reading (书架, 推荐书目). Every service takes the actor's
`Scope` and checks it first (xiaoben.writings.predicates): out of reach → NotPermitted() (404),
seen but not theirs to do → NotPermitted("…") (403 with the reason)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.changes import rows_changed
from xiaoben.core.concurrency import save_checked
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.html import clean_html
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open
from xiaoben.org.models import School, Teacher, Term
from xiaoben.org.selectors import current_term, term_for_date

from . import detection
from . import predicates as can
from .models import BOOK_KINDS, Book, CopyState, RecommendedBook, Visibility, Writing, WritingKind, WritingStatus
from .textcount import count_html

if TYPE_CHECKING:
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation

BODY_MAX = 200000
EDITABLE = ("title", "body", "kind", "sub_kind", "written_on", "visibility", "book", "observation", "activity")
SAVED_COLUMNS = [
    "title",
    "body",
    "kind",
    "sub_kind",
    "written_on",
    "visibility",
    "book_id",
    "observation_id",
    "activity_id",
    "char_count",
    "term_id",
]


def _tidy(writing: Writing) -> None:
    """Sanitise, count and check the writing's own fields (no query): shared by one and many."""
    if len(writing.body or "") > BODY_MAX:
        raise ValidationError("正文过长（超过20万字符），请分篇保存。")
    writing.title = (writing.title or "").strip()
    if not writing.title:
        raise ValidationError("请填写标题。")
    writing.body = clean_html(writing.body)
    writing.char_count = count_html(writing.body)
    writing.written_on = writing.written_on or timezone.localdate()
    if writing.written_on > timezone.localdate():
        raise ValidationError("写作日期不能晚于今天。")


def _tidy_links(writing: Writing) -> None:
    """What a writing may point at: a book on the author's own shelf, the school's records."""
    if writing.kind != WritingKind.REFLECTION:
        writing.sub_kind = ""
    if writing.kind in BOOK_KINDS:
        if writing.book is not None and writing.book.teacher_id != writing.author_id:
            raise ValidationError("只能选择自己书架上的书。")
    else:
        writing.book = None
    for link in ("observation", "activity"):
        obj = getattr(writing, link)
        if obj is not None and obj.school_id not in (writing.school_id, None):
            raise ValidationError("只能关联本校的听课记录或活动。")


NO_TERM = "学校还没有设置学期，请联系教导处。"


def _prepare(writing: Writing) -> None:
    """Sanitise, count, place in its term, validate: shared by create and update."""
    _tidy(writing)
    term = term_for_date(writing.school_id, writing.written_on) or current_term(writing.school_id, writing.written_on)
    if term is None:
        raise ValidationError(NO_TERM)
    require_term_open(term)
    writing.term = term
    _tidy_links(writing)
    writing.full_clean(exclude=["signature"])


def _submittable(writing: Writing) -> None:
    """What a submitted writing must have (SPEC: 读书笔记 name their book)."""
    if writing.char_count == 0:
        raise ValidationError("正文是空的，写好后再提交。")
    if writing.kind in BOOK_KINDS and writing.book_id is None:
        raise ValidationError("读书笔记和读后感须选择一本书（可先在书架上添加）。")


@transaction.atomic
def writing_create(
    *,
    actor: Scope,
    kind: str,
    title: str,
    body: str = "",
    written_on: dt.date | None = None,
    sub_kind: str = "",
    visibility: str = Visibility.SCHOOL,
    book: Book | None = None,
    observation: Observation | None = None,
    activity: Activity | None = None,
) -> Writing:
    """A new draft (草稿) by the actor, a teacher. Nothing counts until it is submitted."""
    require(can.can_write(actor))
    author = actor.teacher
    assert author is not None  # can_write holds only for a teacher
    w = Writing(
        school_id=author.school_id,
        author=author,
        kind=kind,
        title=title,
        body=body,
        written_on=written_on or timezone.localdate(),
        sub_kind=sub_kind,
        visibility=visibility,
        book=book,
        observation=observation,
        activity=activity,
        status=WritingStatus.DRAFT,
    )
    _prepare(w)
    w.save()
    return w


def _history(writing: Writing, reason: str) -> None:
    """Conditional UPDATEs bypass save(): write the audit row ourselves (edits keep history)."""
    writing.refresh_from_db()
    Writing.history.bulk_history_create([writing], update=True, default_change_reason=reason)
    rows_changed(Writing, [writing.pk])  # what counts and who may read it follow (kept counts, the search index)


@transaction.atomic
def writing_update(*, writing: Writing, actor: Scope, expected_version: int, record: bool = True, **fields: Any) -> Writing:
    """Save the author's edits (also the autosave, with `record=False`: a history row
    every few seconds of typing helps nobody). The second of two savers is told."""
    if expected_version is None:
        raise ValidationError("缺少版本号：请刷新页面后再保存。")
    require_term_open(writing.term_id)
    can.require_on(actor, writing, can.can_edit(actor, writing), "只有作者本人可以修改这篇文章。")
    if writing.status != WritingStatus.DRAFT:
        raise ValidationError("已提交的文章不能修改；如需修改，请先撤回。")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"不能修改这些字段：{'、'.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(writing, name, value)
    _prepare(writing)
    save_checked(writing, expected_version, SAVED_COLUMNS)
    if record:
        _history(writing, "修改")
    return writing


@transaction.atomic
def writing_submit(*, writing: Writing, actor: Scope) -> Writing:
    """草稿 → 已提交. The text is checked against the school's earlier writings (SPEC §10)."""
    require_term_open(writing.term_id)
    can.require_on(actor, writing, can.can_edit(actor, writing), "只有作者本人可以提交这篇文章。")
    if writing.status != WritingStatus.DRAFT:
        raise ValidationError("这篇文章已经提交过了。")
    _submittable(writing)
    updated = Writing.objects.filter(pk=writing.pk, status=WritingStatus.DRAFT).update(
        status=WritingStatus.SUBMITTED, submitted_at=timezone.now()
    )
    if not updated:
        raise ValidationError("这篇文章已经提交过了。")
    detection.check_writing(writing)
    _history(writing, "提交")
    return writing


@dataclass
class WritingRecord:
    """One writing of a batch (a school's past record, the demo): an unsaved `Writing` with its
    author, texts, status and — when submitted or reviewed — its dates and review filled in."""

    writing: Writing
    check_copies: bool = False  # compare it with the batch's earlier writings (False: index it only)


def _term_of(terms: list[Term], school_id: int, day: dt.date) -> Term | None:
    """`term_for_date` over terms loaded once (the same order, the first that holds the day)."""
    return next((t for t in terms if t.school_id == school_id and t.start_date <= day <= t.end_date), None)


@transaction.atomic
def writings_record_many(*, actor: Scope, rows: Sequence[WritingRecord]) -> list[Writing]:
    """Enter a batch of writings for their authors (a school's past record, the demo).

    The actor is an admin of every school in the batch (or the platform). Each row is held to the
    rules of `writing_create` and, unless a draft, of `writing_submit`; a reviewed one names a
    reviewer of the author's school. Checked set-wise: a row that breaks a rule refuses the whole
    batch (nothing is saved), the message names the row. The side effects are a submit's: the
    texts indexed for the copy check, the rows that ask compared with the batch's earlier
    writings of their school (in submission order), kept counts and the search index told."""
    school_ids = {r.writing.author.school_id for r in rows}
    for school_id in sorted(school_ids):
        require(can.can_import(actor, school_id), "只有学校管理员可以批量录入本校的文章。")
    terms = list(Term.objects.select_related("school_year").filter(school_id__in=school_ids))
    reviewer_ids = {r.writing.reviewed_by_id for r in rows if r.writing.reviewed_by_id is not None}
    school_of = dict(Teacher.objects.filter(pk__in=reviewer_ids).values_list("pk", "school_id"))
    exclude = ["signature", *(f.name for f in Writing._meta.fields if f.is_relation)]
    errors: list[str] = []
    for n, row in enumerate(rows, start=1):
        w = row.writing
        w.school_id = w.author.school_id
        try:
            _tidy(w)
            term = _term_of(terms, w.school_id, w.written_on) or current_term(w.school_id, w.written_on)
            if term is None:
                raise ValidationError(NO_TERM)
            w.term = term
            _tidy_links(w)
            if w.status != WritingStatus.DRAFT:
                _submittable(w)
                if w.submitted_at is None:
                    raise ValidationError("已提交的文章须有提交时间。")
            if w.status == WritingStatus.REVIEWED and (
                w.reviewed_by_id == w.author_id or school_of.get(w.reviewed_by_id or 0) != w.school_id
            ):
                raise ValidationError("审阅人须为作者学校的其他教师。")
            w.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as e:
            errors += [f"第{n}条：{m}" for m in e.messages]
    if errors:
        raise ValidationError(errors)
    for term in {r.writing.term_id: r.writing.term for r in rows}.values():
        require_term_open(term)
    created: list[Writing] = Writing.objects.bulk_create([r.writing for r in rows], batch_size=500)
    detection.check_batch(created, check={w.pk for w, r in zip(created, rows, strict=True) if r.check_copies})
    rows_changed(Writing, [w.pk for w in created])
    return created


@transaction.atomic
def writing_withdraw(*, writing: Writing, actor: Scope) -> Writing:
    """已提交 → 草稿, by the author, as long as nobody has reviewed it yet."""
    require_term_open(writing.term_id)
    can.require_on(actor, writing, can.can_edit(actor, writing), "只有作者本人可以撤回这篇文章。")
    if writing.status == WritingStatus.REVIEWED:
        raise ValidationError("文章已经审阅，不能撤回。")
    if writing.status != WritingStatus.SUBMITTED:
        raise ValidationError("这篇文章还没有提交，无需撤回。")
    updated = Writing.objects.filter(pk=writing.pk, status=WritingStatus.SUBMITTED).update(
        status=WritingStatus.DRAFT, submitted_at=None, copied_share=None, copy_sources=[], copy_hold=False
    )
    if not updated:
        raise ValidationError("文章已经审阅，不能撤回。")
    detection.unindex_writing(writing)
    _history(writing, "撤回")
    return writing


@transaction.atomic
def writing_review(*, writing: Writing, actor: Scope, comment: str = "", excellent: bool = False) -> Writing:
    """已提交 → 已审阅, with a comment and an optional 优秀 mark; the author is told."""
    require_term_open(writing.term_id)
    can.require_on(actor, writing, can.can_review(actor, writing), "您不能审阅这篇文章（须为作者所在组的组长或学校管理员）。")
    if writing.status == WritingStatus.DRAFT:
        raise ValidationError("草稿还没有提交，不能审阅。")
    if writing.status == WritingStatus.REVIEWED:
        raise ValidationError("这篇文章已经审阅过了。")
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise ValidationError("审阅意见不能超过2000字。")
    now = timezone.now()
    updated = Writing.objects.filter(pk=writing.pk, status=WritingStatus.SUBMITTED).update(
        status=WritingStatus.REVIEWED, reviewed_at=now, reviewed_by=actor.teacher, review_comment=comment, is_excellent=bool(excellent)
    )
    if not updated:
        raise ValidationError("作者刚刚撤回了这篇文章，不能审阅。")
    _history(writing, "审阅")
    notify(
        "writings.reviewed_excellent" if excellent else "writings.reviewed",
        recipients=[writing.author.user_id],
        context={"title": writing.title, "comment": comment},
        url=reverse("writings:detail", args=[writing.pk]),
        target=writing,
    )
    return writing


@transaction.atomic
def writing_delete(*, writing: Writing, actor: Scope) -> None:
    """The author may delete a draft (softly: an admin can restore it)."""
    require_term_open(writing.term_id)
    can.require_on(actor, writing, can.can_edit(actor, writing), "只有作者本人可以删除这篇文章。")
    if writing.status != WritingStatus.DRAFT:
        raise ValidationError("只能删除草稿；已提交的文章请先撤回。")
    detection.unindex_writing(writing)
    writing.soft_delete()


# —— reading ——


@transaction.atomic
def book_add(*, actor: Scope, title: str, author: str = "", isbn: str = "", recommended: RecommendedBook | None = None) -> Book:
    """Put a book on the actor's (a teacher's) shelf for the current school year."""
    teacher = actor.teacher
    if teacher is None:
        raise NotPermitted()
    term = current_term(teacher.school_id)
    if term is None:
        raise ValidationError("学校还没有设置学期，请联系教导处。")
    title = (title or "").strip().strip("《》")
    if not title:
        raise ValidationError("请填写书名。")
    if recommended is not None and recommended.school_id != teacher.school_id:
        raise ValidationError("只能选择本校的推荐书目。")
    isbn = (isbn or "").replace("-", "").replace(" ", "").upper()
    if isbn and not (len(isbn) in (10, 13) and isbn[:-1].isdigit()):
        raise ValidationError("ISBN 应为10位或13位数字，可不填。")
    if Book.objects.filter(teacher=teacher, school_year_id=term.school_year_id, title=title).exists():
        raise ValidationError(f"《{title}》已经在本学年的书架上了。")
    book = Book(
        school_id=teacher.school_id,
        teacher=teacher,
        school_year_id=term.school_year_id,
        title=title,
        author=author.strip(),
        isbn=isbn,
        recommended=recommended,
    )
    book.full_clean()
    book.save()
    return book


@transaction.atomic
def recommended_add(*, school: School, actor: Scope, title: str, author: str = "", isbn: str = "", note: str = "") -> RecommendedBook:
    require(can.can_manage_school(actor, school.pk), "只有学校管理员可以维护推荐书目。")
    title = (title or "").strip().strip("《》")
    if not title:
        raise ValidationError("请填写书名。")
    if RecommendedBook.objects.filter(school=school, title=title).exists():
        raise ValidationError(f"《{title}》已在推荐书目中。")
    row = RecommendedBook(school=school, title=title, author=author.strip(), isbn=isbn.strip(), note=note.strip())
    row.full_clean()
    row.save()
    return row


@transaction.atomic
def recommended_delete(*, row: RecommendedBook, actor: Scope) -> None:
    require(can.can_manage_school(actor, row.school_id), "只有学校管理员可以维护推荐书目。")
    row.delete()


@transaction.atomic
def copy_settings_set(*, school: School, actor: Scope, threshold: float, counts_before_review: bool) -> None:
    """The school decides from what 复制比 a writing is flagged to the reviewer (default 30%),
    and whether a flagged writing counts toward quotas before a reviewer clears it."""
    require(can.can_manage_school(actor, school.pk), "只有学校管理员可以修改查重设置。")
    if not 0.05 <= threshold <= 1.0:
        raise ValidationError("复制比阈值应在5%到100%之间。")
    school.settings = {
        **(school.settings or {}),
        "copy_threshold": round(threshold, 2),
        "copy_counts_before_review": bool(counts_before_review),
    }
    school.save(update_fields=["settings"])
    detection.rehold_school(school)


COPY_DECISIONS: dict[str, str] = {
    CopyState.CLEARED: "已核实为原创，计入统计",
    CopyState.RETURNED: "退回重写",
    CopyState.CONFIRMED: "确认抄袭，不计入统计",
}


@transaction.atomic
def writing_copy_decide(*, writing: Writing, actor: Scope, decision: str, note: str = "") -> Writing:
    """The reviewer's word on a flagged writing: clear it (it counts), return it for rewriting
    (back to draft), or confirm the copy (it never counts). Recorded with who, when and why."""
    can.require_on(actor, writing, can.can_review(actor, writing), "您不能审核这篇文章（须为作者所在组的组长或学校管理员）。")
    if decision not in COPY_DECISIONS:
        raise ValidationError("请选择审核结论。")
    if writing.status == WritingStatus.DRAFT:
        raise ValidationError("草稿还没有提交，不需要审核。")
    note = (note or "").strip()
    if decision != CopyState.CLEARED and not note:
        raise ValidationError("退回或确认抄袭时请写明理由，作者会看到。")
    if len(note) > 500:
        raise ValidationError("审核意见不能超过500字。")
    detection.decide(writing, state=decision, by=actor.teacher, note=note)
    writing.save(update_fields=["copy_state", "copy_decided_by", "copy_decided_at", "copy_note", "copy_hold", "status", "submitted_at"])
    _history(writing, f"查重审核：{COPY_DECISIONS[decision]}")
    notify(
        f"writings.copy_{decision}",
        recipients=[writing.author.user_id],
        context={"title": writing.title, "note": note},
        url=reverse("writings:detail", args=[writing.pk]),
        target=writing,
    )
    return writing
