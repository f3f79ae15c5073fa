"""研修文章 API: list, detail, create (a draft), update, submit, withdraw — through the door."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import predicates as can
from . import selectors, services
from .models import Book, Writing

router = Router(tags=["研修文章"])


class WritingListOut(Schema):
    id: int
    school_id: int
    term_id: int
    author_id: int
    author_name: str
    kind: str
    kind_display: str
    sub_kind: str
    title: str
    char_count: int
    written_on: dt.date
    status: str
    is_excellent: bool
    visibility: str
    book_id: int | None
    version: int

    @staticmethod
    def resolve_author_name(w: Writing) -> str:
        return w.author.name

    @staticmethod
    def resolve_kind_display(w: Writing) -> str:
        return w.kind_label


class CopySourceOut(Schema):
    kind: str  # 研修文章 / 参考文本库 / 教案 …
    id: int | None  # None: a source the caller may not open
    title: str
    author: str
    school: str
    share: float


class WritingOut(WritingListOut):
    body: str
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_comment: str
    # The copy check, only for those who may review it (复制比 0–1, flagged by the school's threshold).
    copied_share: float | None = None
    flagged: bool | None = None
    copy_state: str | None = None
    sources: list[CopySourceOut] | None = None

    @staticmethod
    def resolve_copied_share(w: Writing, context) -> float | None:
        return w.copied_share if _copy_check(w, context) else None

    @staticmethod
    def resolve_flagged(w: Writing, context) -> bool | None:
        c = _copy_check(w, context)
        return c["flagged"] if c else None

    @staticmethod
    def resolve_copy_state(w: Writing, context) -> str | None:
        return w.copy_state if _copy_check(w, context) else None

    @staticmethod
    def resolve_sources(w: Writing, context) -> list[dict] | None:
        c = _copy_check(w, context)
        return c["sources"] if c else None


def _copy_check(w: Writing, context) -> dict | None:
    """The copy check as the caller may see it (None unless they review the writing); once per object."""
    if not hasattr(w, "_copy_check_out"):
        scope = scope_for(context["request"].user)
        out = None
        if w.copied_share is not None and can.can_review(scope, w):
            from xiaoben.core import textsim

            from . import detection

            shown = textsim.shown_sources(scope, "", w.copy_sources or [])
            out = {
                "flagged": w.copied_share >= detection.threshold(w.school),
                "sources": [
                    {
                        "kind": s.label,
                        "id": int(row["id"]) if s.view else None,
                        "title": s.view.title if s.view else "无权查看的来源",
                        "author": s.view.author if s.view else "",
                        "school": s.view.school if s.view else "",
                        "share": s.share,
                    }
                    for s, row in zip(shown, w.copy_sources or [], strict=True)
                ],
            }
        w._copy_check_out = out
    return w._copy_check_out


class WritingIn(Schema):
    kind: str
    title: str
    body: str = ""
    written_on: dt.date | None = None
    sub_kind: str = ""
    visibility: str = "school"
    book_id: int | None = None


class WritingPatch(Schema):
    version: int
    title: str | None = None
    body: str | None = None
    kind: str | None = None
    sub_kind: str | None = None
    written_on: dt.date | None = None
    visibility: str | None = None
    book_id: int | None = None


def _book(request, book_id):
    return get_object_for_user(request.user, Book, pk=book_id) if book_id else None


@router.get("/", response=list[WritingListOut])
@paginate(PageNumberPagination, page_size=50)
def writings(request, tab: str = "shared", kind: str = "", status: str = "", term_id: int | None = None):
    """tab: mine (my writings, drafts included) / review (waiting for my review) / shared (colleagues')."""
    scope = scope_for(request.user)
    qs = selectors.writing_list(user=request.user, scope=scope, tab=tab, kind=kind, status=status, term_id=term_id)
    return qs


@router.get("/{writing_id}", response=WritingOut)
def writing(request, writing_id: int):
    w = get_object_for_user(request.user, Writing, Writing.objects.select_related("author", "school"), pk=writing_id)
    return w


@router.post("/", response={201: WritingOut})
def writing_create(request, payload: WritingIn):
    data = payload.dict()
    book = _book(request, data.pop("book_id"))
    w = services.writing_create(actor=scope_for(request.user), book=book, **data)
    return 201, w


@router.patch("/{writing_id}", response=WritingOut)
def writing_update(request, writing_id: int, payload: WritingPatch):
    w = get_object_for_user(request.user, Writing, Writing.objects.select_related("author", "school"), pk=writing_id)
    data = payload.dict(exclude_unset=True)
    version = data.pop("version")
    if "book_id" in data:
        data["book"] = _book(request, data.pop("book_id"))
    services.writing_update(writing=w, actor=scope_for(request.user), expected_version=version, **data)
    return w


@router.post("/{writing_id}/submit", response=WritingOut)
def writing_submit(request, writing_id: int):
    w = get_object_for_user(request.user, Writing, Writing.objects.select_related("author", "school"), pk=writing_id)
    services.writing_submit(writing=w, actor=scope_for(request.user))
    return w


@router.post("/{writing_id}/withdraw", response=WritingOut)
def writing_withdraw(request, writing_id: int):
    w = get_object_for_user(request.user, Writing, Writing.objects.select_related("author", "school"), pk=writing_id)
    services.writing_withdraw(writing=w, actor=scope_for(request.user))
    return w
