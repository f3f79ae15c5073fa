"""Who may do what with a writing or a book list — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py`; these answer the writes:
- a writing is written, submitted, withdrawn and deleted by its author only;
- it is reviewed (and its copy check decided) by a leader of a group the author belongs to,
  or an admin of the author's school — never by the author;
- the school's admins keep the 推荐书目 and the 查重设置, and enter a batch of past writings."""

from __future__ import annotations

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_ids

from .models import Writing


def can_write(scope: Scope) -> bool:
    """Writing is for teachers: a teacher profile in a school that grants `writings:write`."""
    return scope.teacher is not None and scope.can("writings:write", school_id=scope.teacher.school_id)


def can_edit(scope: Scope, writing: Writing) -> bool:
    """Edit, submit, withdraw, delete: the author."""
    return scope.is_self(writing.author_id)


def can_review(scope: Scope, writing: Writing) -> bool:
    """A leader of a group the author belongs to, or an admin of the author's school; never one's own."""
    if scope.is_self(writing.author_id):
        return False
    if scope.admin_of(writing.school_id):
        return True
    return scope.can("writings:review", school_id=writing.school_id) and scope.leads(writing.author_id)


def can_import(scope: Scope, school_id: int) -> bool:
    """Enter a batch of the school's writings for their authors (past records): its admins, the platform."""
    return scope.admin_of(school_id)


def can_manage_school(scope: Scope, school_id: int) -> bool:
    """推荐书目 and 查重设置: the school's admins."""
    return scope.admin_of(school_id)


def require_on(scope: Scope, writing: Writing, allowed: bool, message: str) -> None:
    """Refuse unless `allowed`: with the reason when the actor can see the writing (403), as if it
    did not exist when they cannot (404 — a colleague's draft, another school's writing). The
    door is asked only on refusal, so an allowed write costs no query."""
    if not allowed:
        raise NotPermitted(message if visible_ids(scope, Writing, [writing.pk]) else None)
