"""Who may change places and people — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py`; these answer the writes, and `services.py`
asks them first:
- a school's teachers, groups, terms, calendar and roster: its admins (`org:manage` in that
  school), and the platform admin;
- roles: a school's roles by its admins, region roles and the platform admin's by the platform
  admin only (a 教研员 does not appoint others);
- the structure analysis: the school's admins and readers, and the region's 教研员;
- the whole-school archive: the school's admins; a whole-instance backup, restore or a school's
  import: the platform admin (commands act as `core.scope.SYSTEM`)."""

from __future__ import annotations

from xiaoben.core.permissions import SCHOOL_ROLES
from xiaoben.core.scope import Scope


def can_manage_school(scope: Scope, school_id: int | None) -> bool:
    """Teachers, groups, terms, the calendar and the roster of this school."""
    return school_id is not None and scope.can("org:manage", school_id=school_id)


def can_assign_role(scope: Scope, role: str, school_id: int | None) -> bool:
    if scope.is_platform_admin:
        return True
    return role in SCHOOL_ROLES and can_manage_school(scope, school_id)


def can_analyse(scope: Scope, school_id: int) -> bool:
    """教师队伍结构分析 of a school."""
    return (
        scope.can("org:manage", school_id=school_id)
        or scope.can("school:read", school_id=school_id)
        or school_id in scope.region_school_ids
    )


def can_run_platform(scope: Scope) -> bool:
    """Whole-instance backup and restore, importing a school's archive."""
    return scope.is_platform_admin
