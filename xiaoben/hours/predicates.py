"""Who may write to the 学时 ledger — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py`; these answer the writes:
- ledger lines from activities are the platform's own (the credit rule, applied when an
  activity is recorded): only `SYSTEM` writes them, on behalf of the activities service;
- a teacher claims hours for external training (`hours:claim` in their school) and resubmits
  their own rejected claim;
- 学校审核 by the school's admins (`hours:approve_school`), 区县审核 by 教研员 of the school's
  region (`hours:approve_region`); nobody reviews their own claim;
- the school's 学时 settings and imports: its admins (`hours:approve_school`)."""

from __future__ import annotations

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_ids

from .models import ClaimStep, TrainingClaim


def can_credit(scope: Scope) -> bool:
    """Activity credits follow the attendance record: the platform writes them (`SYSTEM`)."""
    return scope.is_platform_admin


def can_claim(scope: Scope) -> bool:
    return scope.teacher is not None and scope.can("hours:claim", school_id=scope.teacher.school_id)


def can_resubmit(scope: Scope, claim: TrainingClaim) -> bool:
    """A rejected claim is fixed and sent again by its teacher."""
    return scope.is_self(claim.teacher_id)


def can_review(scope: Scope, claim: TrainingClaim) -> bool:
    """The claim's current step is this person's to decide (whatever its status): 学校审核 for the
    school's admins, 区县审核 for 教研员 of the school's region; never one's own claim."""
    if scope.is_self(claim.teacher_id):
        return False
    if scope.is_platform_admin:
        return True
    if claim.step == ClaimStep.SCHOOL:
        return scope.can("hours:approve_school", school_id=claim.school_id)
    return scope.can("hours:approve_region") and claim.school_id in scope.region_school_ids


def can_manage_school(scope: Scope, school_id: int) -> bool:
    """学时 settings and imports of the school."""
    return scope.can("hours:approve_school", school_id=school_id)


def require_on(scope: Scope, claim: TrainingClaim, allowed: bool, message: str) -> None:
    """Refuse unless `allowed`: with the reason when the actor can see the claim (403), as if it
    did not exist when they cannot (404). The door is asked only on refusal."""
    if not allowed:
        raise NotPermitted(message if visible_ids(scope, TrainingClaim, [claim.pk]) else None)
