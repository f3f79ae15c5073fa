"""Who may do what with requirements and progress — plain functions over the person's scope.

Reading the rules is the visibility rule in `scopes.py`; these answer the writes and whose
progress a person may look at:
- a school's requirements: its admins (`requirements:manage`) write them (a copy of a district's
  rule may be made stricter, never deleted — services);
- the district's rules (区域统一要求): its 教研员 with `region:requirements`, platform admins;
- progress: a teacher their own, a leader the members of the groups they lead, the school's
  admins everyone in the school (the grid, the cell, the reminders)."""

from __future__ import annotations

from xiaoben.core.scope import Scope
from xiaoben.org.models import School, Teacher

from .models import Requirement


def can_manage_requirements(scope: Scope, school_id: int | None) -> bool:
    return school_id is not None and scope.can("requirements:manage", school_id=school_id)


def can_manage_requirement(scope: Scope, requirement: Requirement) -> bool:
    """A school's own requirement (not a district's template, which has no school)."""
    return can_manage_requirements(scope, requirement.school_id)


def can_set_region_requirements(scope: Scope, region_id: int | None) -> bool:
    return scope.is_platform_admin or (region_id is not None and region_id in scope.region_ids and scope.can("region:requirements"))


def can_adopt_region_templates(scope: Scope, school: School) -> bool:
    """Copy the district's rules into a school: its admins, or a 教研员 who sets them there."""
    if can_manage_requirements(scope, school.pk) or scope.is_platform_admin:
        return True
    return school.pk in scope.region_school_ids and scope.can("region:requirements")


def may_see_progress_of(scope: Scope, teacher: Teacher) -> bool:
    """A teacher sees their own; a leader the members of the groups they lead; the
    school's admins everyone in the school."""
    if scope.is_self(teacher.pk) or scope.is_platform_admin or scope.admin_of(teacher.school_id):
        return True
    return scope.leads(teacher.pk)


def may_see_grid(scope: Scope, school_id: int) -> bool:
    """The compliance grid of a school: its admins (every group), a leader of one of its groups."""
    return scope.admin_of(school_id) or bool(leads_in(scope, school_id))


def leads_in(scope: Scope, school_id: int) -> frozenset[int]:
    """The groups of `school_id` this person leads (a leader leads only in their own school)."""
    return scope.led_group_ids if scope.teacher is not None and scope.teacher.school_id == school_id else frozenset()


def may_remind(scope: Scope, school_id: int, teacher_id: int) -> bool:
    """提醒落后者: the school's admins anyone in the school, a leader the members of their groups."""
    return scope.admin_of(school_id) or scope.leads(teacher_id)
