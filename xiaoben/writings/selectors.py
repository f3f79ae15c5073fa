"""Reads for writings and reading."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.db.models import Count, Q, QuerySet, Sum

from xiaoben.core import textsim
from xiaoben.core.html import html_to_text
from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import visible_to

from . import detection
from .models import BOOK_KINDS, Book, RecommendedBook, Writing, WritingStatus

if TYPE_CHECKING:
    from xiaoben.org.models import Teacher, Term
    from xiaoben.requirements.engine import Progress


def review_queue_filter(scope: Scope) -> Q:
    """Submitted writings this person may review: their schools' as an admin, their groups' members' as a leader."""
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.led_group_ids and scope.teacher:
        cond |= Q(school_id=scope.teacher.school_id) & scope.led_members_filter("author_id")
    return cond & ~Q(author_id=scope.teacher_id or 0)


def writing_list(
    *, user: Viewer, scope: Scope, tab: str = "mine", kind: str = "", status: str = "", term_id: int | None = None, q: str = ""
) -> QuerySet[Writing]:
    qs = visible_to(user, Writing)
    if tab == "mine":
        qs = qs.filter(author_id=scope.teacher_id or 0)
    elif tab == "review":
        qs = qs.filter(review_queue_filter(scope)).exclude(status=WritingStatus.DRAFT)
        status = status or WritingStatus.SUBMITTED  # 待我审阅: what is waiting, unless asked otherwise
    else:
        qs = qs.exclude(status=WritingStatus.DRAFT).exclude(author_id=scope.teacher_id or 0)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if term_id:
        qs = qs.filter(term_id=term_id)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(author__name__contains=q))
    return qs.select_related("author", "term__school_year", "book").order_by("-written_on", "-id")


def _is_reading(filters: dict[str, Any] | None) -> bool:
    kinds = (filters or {}).get("kinds") or []
    kinds = kinds if isinstance(kinds, list | tuple) else [kinds]
    return bool(kinds) and set(kinds) <= set(BOOK_KINDS)


def reading_progress(teacher: Teacher, term: Term | None, progress: list[Progress] | None = None) -> Progress | None:
    """The teacher's progress on the school's 读书笔记 requirement (字数 of reading notes, e.g.
    读书笔记每年不少于5000字), from the requirements engine — the one figure every card shows.
    None when the school has set no such requirement. `progress`: the teacher's whole progress
    when the caller has it already (the home page), else the engine is asked for this metric."""
    from xiaoben.requirements.engine import progress_for_teacher

    if progress is None:
        progress = progress_for_teacher(teacher, term, metric="writings.chars")
    rows = [p for p in progress if p.requirement.metric == "writings.chars" and _is_reading(p.requirement.filters)]
    return rows[0] if rows else None


def shelf(*, user: Viewer, teacher_id: int, school_year_id: int) -> QuerySet[Book]:
    notes = Q(notes__deleted_at__isnull=True)
    return (
        visible_to(user, Book)
        .filter(teacher_id=teacher_id, school_year_id=school_year_id)
        .annotate(
            note_count=Count("notes", filter=notes, distinct=True),
            note_chars=Sum("notes__char_count", filter=notes & Q(notes__status__in=Writing.COUNTED_STATUSES, notes__copy_hold=False)),
        )
        .select_related("recommended")
        .order_by("-created_at", "-id")
    )


def books_to_pick(*, user: Viewer, teacher_id: int | None) -> QuerySet[Book]:
    """The teacher's own books, newest school year first (the editor's 书 picker)."""
    return visible_to(user, Book).filter(teacher_id=teacher_id or 0).order_by("-school_year__start_year", "-id")


def reference_owner(scope: Scope) -> dict[str, int]:
    """Where this person adds texts to the 参考文本库: their school (admins) or their region
    (教研员). Nobody else keeps the library."""
    from xiaoben.core.errors import NotPermitted
    from xiaoben.org.models import Region

    for sid in sorted(scope.admin_school_ids):
        if scope.can("school:manage", school_id=sid):
            return {"school_id": sid}
    if scope.region_ids:
        root = Region.objects.filter(pk__in=scope.region_ids).order_by("pk").first()
        if root is not None:
            return {"region_id": root.pk}
    raise NotPermitted("只有学校管理员或教研员可以维护参考文本库。")


def reference_owner_label(owner: dict[str, int]) -> str:
    """Whose library a new text joins, and whose writings it is compared with."""
    from xiaoben.org.models import Region, School

    if "school_id" in owner:
        return f"加入{School.objects.get(pk=owner['school_id']).name}的文本库，本校此后提交的文章都会与它比对。"
    return f"加入{Region.objects.get(pk=owner['region_id']).name}的区域文本库，辖区各校此后提交的文章都会与它比对。"


def recommended_list(*, user: Viewer, school_id: int) -> QuerySet[RecommendedBook]:
    return visible_to(user, RecommendedBook).filter(school_id=school_id).order_by("title")


class CopyReport(TypedDict):
    share: float
    threshold: float
    flagged: bool
    state: str
    state_label: str
    sources: list[textsim.ShownSource]
    hidden: list[textsim.ShownSource]


def copy_report(writing: Writing, scope: Scope) -> CopyReport | None:
    """What the reviewer sees: the 复制比, the sources they may open with the passages side by
    side, and how much comes from sources they may not open (asked of the door now)."""
    if writing.copied_share is None:
        return None
    limit = detection.threshold(writing.school)
    sources = textsim.shown_sources(scope, html_to_text(writing.body), writing.copy_sources or [])
    return {
        "share": writing.copied_share,
        "threshold": limit,
        "flagged": writing.copied_share >= limit,
        "state": writing.copy_state,
        "state_label": writing.get_copy_state_display() if writing.copy_state else "",
        "sources": [s for s in sources if s.view is not None],
        "hidden": [s for s in sources if s.view is None],
    }


# -- aggregates for a comparison of schools (region, alliance): counts, never a writing --------

COPIED_STATES = ("flagged", "confirmed")  # the copy check flagged it (待审核) or a reviewer confirmed it


def _period(school_ids: Iterable[int], start: dt.date, end: dt.date) -> QuerySet[Writing]:
    qs: QuerySet[Writing] = Writing.objects.filter(school_id__in=list(school_ids), written_on__gte=start, written_on__lte=end)
    return qs.exclude(status=WritingStatus.DRAFT)


def school_writing_counts(*, school_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """{school_id: {"n": writings handed in (not drafts) in the period, "copied": of them
    flagged by the copy check or confirmed as copied, "shared": shared to the region}} in
    one GROUP BY, whatever the number of schools."""
    from .models import Visibility

    rows = (
        _period(school_ids, start, end)
        .order_by()
        .values("school_id")
        .annotate(
            n=Count("id"),
            copied=Count("id", filter=Q(copy_state__in=COPIED_STATES)),
            shared=Count("id", filter=Q(visibility=Visibility.REGION)),
        )
    )
    return {r["school_id"]: {"n": r["n"], "copied": r["copied"], "shared": r["shared"]} for r in rows}


def school_writing_breakdown(*, school_id: int, start: dt.date, end: dt.date, only: str = "") -> list[tuple[dt.date, str, int]]:
    """(month, kind, n) behind one school's number: all, "copied" or "shared"."""
    from django.db.models.functions import TruncMonth

    from .models import Visibility

    qs = _period([school_id], start, end)
    if only == "copied":
        qs = qs.filter(copy_state__in=COPIED_STATES)
    elif only == "shared":
        qs = qs.filter(visibility=Visibility.REGION)
    rows = qs.annotate(m=TruncMonth("written_on")).order_by().values("m", "kind").annotate(n=Count("id")).order_by("m", "kind")
    return [(r["m"], r["kind"], r["n"]) for r in rows]
