"""Who may do what with 考核 — plain functions over the person's scope.

Reading schemes and sheets is the visibility rule in `scopes.py`; these answer the writes:
- schemes, items, opening, recomputing, 学校确认 and locking: the school's admins (`assessment:manage`);
- 自评: only the sheet's teacher;
- 组长审核 (and sending back): the leader of a group the teacher belongs to, or a school admin —
  never on one's own sheet."""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import AssessmentResult


def can_manage(scope: Scope, school_id: int | None) -> bool:
    return school_id is not None and scope.can("assessment:manage", school_id)


def can_self_assess(scope: Scope, result: AssessmentResult) -> bool:
    return scope.is_self(result.teacher_id)


def may_review(scope: Scope, result: AssessmentResult) -> bool:
    """组长审核: the leader of a group the teacher belongs to, or a school admin; never oneself."""
    if scope.is_self(result.teacher_id):
        return False
    if scope.is_platform_admin or scope.can("assessment:manage", result.school_id):
        return True
    return scope.school_id == result.school_id and scope.leads(result.teacher_id)
