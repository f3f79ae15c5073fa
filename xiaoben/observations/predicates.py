"""Who may do what with an observation — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py`; these answer the writes:
- an observation is recorded by a teacher (`observations:write` in their school), and written,
  withdrawn and deleted by its observer only; a batch of paper records is entered by the
  school's admins;
- a 评课意见雷同 flag is cleared by those who review it: the school's admins, or the leader of
  the observer's or the observed teacher's group."""

from __future__ import annotations

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_ids

from .models import FeedbackFlag, Observation


def can_record(scope: Scope) -> bool:
    return scope.teacher is not None and scope.can("observations:write", school_id=scope.teacher.school_id)


def can_import(scope: Scope, school_id: int) -> bool:
    """Enter a batch of other teachers' (paper) records of a school: its admins, the platform."""
    return scope.admin_of(school_id)


def can_write(scope: Scope, observation: Observation) -> bool:
    """Edit, withdraw, delete: the observer."""
    return scope.is_self(observation.observer_id)


def can_resolve_flag(scope: Scope, flag: FeedbackFlag) -> bool:
    if scope.admin_of(flag.school_id):
        return True
    obs = flag.observation
    return scope.leads(obs.observer_id) or scope.leads(obs.teacher_id)


def require_on(scope: Scope, observation: Observation, allowed: bool, message: str) -> None:
    """Refuse unless `allowed`: with the reason when the actor can see the observation (403), as
    if it did not exist when they cannot (404: another observer's draft, another school's record)."""
    if not allowed:
        raise NotPermitted(message if visible_ids(scope, Observation, [observation.pk]) else None)
