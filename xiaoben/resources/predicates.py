"""Object permission predicates of the resource library and 晒课: `can_<verb>_<entity>(scope, obj)`."""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import Resource, ShowcaseEntry, ShowcaseRound


def can_create_resource(scope: Scope) -> bool:
    return (scope.teacher is not None and scope.can("resources:write", scope.teacher.school_id)) or scope.is_school_admin


def can_edit_resource(scope: Scope, r: Resource) -> bool:
    """The uploader, the author and the school's admins."""
    if scope.is_platform_admin or scope.admin_of(r.school_id):
        return True
    return r.uploaded_by_id == scope.user_id or (scope.teacher_id is not None and r.author_id == scope.teacher_id)


def can_approve_share(scope: Scope, r: Resource) -> bool:
    """Who may publish to the region or the public is a school decision: its admins."""
    return scope.admin_of(r.school_id)


def can_manage_round(scope: Scope, rnd: ShowcaseRound) -> bool:
    return scope.is_platform_admin or (rnd.region_id in scope.region_ids and scope.can("region:activities"))


def can_open_round(scope: Scope) -> bool:
    return scope.is_platform_admin or scope.can("region:activities")


def can_nominate(scope: Scope, rnd: ShowcaseRound, school_id: int) -> bool:
    """A school's admins nominate its lessons to a round of their district."""
    return scope.admin_of(school_id)


def expert_school_id(scope: Scope) -> int | None:
    return scope.teacher.school_id if scope.teacher else (min(scope.admin_school_ids) if scope.admin_school_ids else None)


def can_score_entry(scope: Scope, entry: ShowcaseEntry, expert_ids: set[int]) -> bool:
    """A named expert of the round — never for a lesson of their own school."""
    if scope.user_id not in expert_ids:
        return False
    mine = scope.member_school_ids
    return entry.school_id not in mine
