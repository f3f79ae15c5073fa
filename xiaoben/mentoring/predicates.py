"""Who may do what in 师徒结对 — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py` (a pair is known to its school; what the pair
writes is private to the pair and the school's mentorship lead); these answer the writes:
- pairs are made, changed and given their own numbers by the school's admins (`mentoring:manage`);
- 月报表 and 指导记录 are filed by the mentor or the mentee;
- the mentor rates the mentee, the mentee rates the pair, the lead gives the school's ratings;
- the lead reminds pairs whose 月报表 are overdue."""

from __future__ import annotations

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope

from .models import EvaluationRole, Mentorship
from .scopes import can_see_private, lead_school_ids


def can_manage(scope: Scope, school_id: int) -> bool:
    """结对, a pair's mentor and numbers, the school's quotas: the school's admins."""
    return scope.can("mentoring:manage", school_id=school_id)


def can_lead(scope: Scope, school_id: int) -> bool:
    """The school's mentorship lead: an admin, or a teacher the school names."""
    return scope.is_platform_admin or school_id in lead_school_ids(scope)


def in_pair(scope: Scope, pair: Mentorship) -> bool:
    """月报表 and 指导记录: the mentor or the mentee."""
    return scope.teacher_id is not None and scope.teacher_id in (pair.mentor_id, pair.mentee_id)


def can_evaluate(scope: Scope, pair: Mentorship, role: str) -> bool:
    if role == EvaluationRole.MENTOR_ON_MENTEE:
        return scope.teacher_id is not None and scope.teacher_id == pair.mentor_id
    if role == EvaluationRole.MENTEE_ON_PAIR:
        return scope.teacher_id is not None and scope.teacher_id == pair.mentee_id
    return can_lead(scope, pair.school_id)


def require_private(scope: Scope, pair: Mentorship, allowed: bool, message: str) -> None:
    """Refuse a write to the pair's private texts: with the reason to those who may read them
    (403), as if the pair had none to everyone else (404)."""
    if not allowed:
        raise NotPermitted(message if can_see_private(scope, pair) else None)


def require_on(scope: Scope, pair: Mentorship, allowed: bool, message: str) -> None:
    """Refuse a write to the pair itself: with the reason inside its school, where the pair is
    known (403); as if it did not exist elsewhere (404). No query."""
    if not allowed:
        raise NotPermitted(message if scope.is_platform_admin or pair.school_id in scope.member_school_ids else None)
