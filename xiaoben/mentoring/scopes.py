"""Pairs, their quotas and counts are known within the school. What the pair
writes (notes, monthly report texts, evaluations) is private to the pair and the
school's mentorship lead: a school admin, or a teacher listed in
`school.setting("mentorship_lead_ids")` (SPEC §10)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import scope_rule

from .models import Mentorship, MentorshipEvaluation, MentorshipNote, MentorshipReport


def lead_school_ids(scope: Scope) -> set[int]:
    """Schools where this person is the mentorship lead (admins are always leads)."""
    ids = set(scope.admin_school_ids)
    t = scope.teacher
    if t is not None and t.pk in (t.school.setting("mentorship_lead_ids", []) or []):
        ids.add(t.school_id)
    return ids


def private_q(scope: Scope, prefix: str = "") -> Q:
    """Rows whose mentorship (reached by `prefix`) the person may read privately."""
    cond = Q(**{f"{prefix}school_id__in": lead_school_ids(scope)})
    if scope.teacher_id:
        cond |= Q(**{f"{prefix}mentor_id": scope.teacher_id}) | Q(**{f"{prefix}mentee_id": scope.teacher_id})
    return cond


def can_see_private(scope: Scope, pair: Mentorship) -> bool:
    return scope.is_platform_admin or scope.teacher_id in (pair.mentor_id, pair.mentee_id) or pair.school_id in lead_school_ids(scope)


@scope_rule(Mentorship)
def _mentorships(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.member_school_ids)


@scope_rule(MentorshipReport)
def _reports(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(private_q(scope, "mentorship__"))


@scope_rule(MentorshipNote)
def _notes(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(private_q(scope, "mentorship__"))


@scope_rule(MentorshipEvaluation)
def _evaluations(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(private_q(scope, "mentorship__"))
