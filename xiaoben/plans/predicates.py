"""Who may do what with a plan — plain functions over the person's scope.

Reading is the visibility rule in `scopes.py`; these answer the writes:
- 学校计划: the school's admins (`plans:manage`) write it and submit it to the district;
  the district's 教研员 acknowledge or comment.
- 教研组/备课组计划: its leader writes and submits; the school's admins approve or send back.
- 个人计划: only its teacher writes it; the leader of one of their groups (or an admin) reads it.
- 区域计划: the district's staff (region:activities) write and publish it."""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import CLOSED, Plan, PlanLevel, PlanStatus

EDITABLE = (PlanStatus.DRAFT, PlanStatus.RETURNED)


def can_manage_school_plans(scope: Scope, school_id: int | None) -> bool:
    return school_id is not None and scope.can("plans:manage", school_id=school_id)


def can_write_plan(scope: Scope, plan: Plan) -> bool:
    """The owner of the plan's content (whatever its status)."""
    if plan.level == PlanLevel.PERSONAL:
        return scope.is_self(plan.teacher_id)
    if plan.level == PlanLevel.GROUP:
        return plan.group_id in scope.led_group_ids or can_manage_school_plans(scope, plan.school_id)
    if plan.level == PlanLevel.SCHOOL:
        return can_manage_school_plans(scope, plan.school_id)
    return scope.is_platform_admin or (plan.region_id in scope.region_ids and scope.can("region:activities"))


def can_edit_plan(scope: Scope, plan: Plan) -> bool:
    """Edit in place: only drafts and returned plans; an approved plan changes through a new version."""
    return plan.status in EDITABLE and can_write_plan(scope, plan)


def can_submit_plan(scope: Scope, plan: Plan) -> bool:
    return plan.level != PlanLevel.REGION and plan.status in EDITABLE and can_write_plan(scope, plan)


def can_review_plan(scope: Scope, plan: Plan) -> bool:
    """Approve/return a group plan (school admin), acknowledge a school plan (district
    staff of the school's region), read a personal plan (its teacher's group leader)."""
    if plan.status != PlanStatus.SUBMITTED:
        return False
    if plan.level == PlanLevel.GROUP:
        return can_manage_school_plans(scope, plan.school_id)
    if plan.level == PlanLevel.SCHOOL:
        return scope.is_platform_admin or plan.school_id in scope.region_school_ids
    if plan.level == PlanLevel.PERSONAL:
        return (scope.leads(plan.teacher_id) and not scope.is_self(plan.teacher_id)) or can_manage_school_plans(scope, plan.school_id)
    return False


def can_new_version(scope: Scope, plan: Plan) -> bool:
    return plan.status in CLOSED and plan.is_current and can_write_plan(scope, plan)


def can_schedule_items(scope: Scope, plan: Plan) -> bool:
    """Turn a month's items into draft activities: the school's admins for school plans,
    the group's leader for the group's plan."""
    if plan.level == PlanLevel.SCHOOL:
        return can_manage_school_plans(scope, plan.school_id)
    if plan.level == PlanLevel.GROUP:
        return plan.group_id in scope.led_group_ids or can_manage_school_plans(scope, plan.school_id)
    return False


def can_mark_items(scope: Scope, plan: Plan) -> bool:
    """Tick an item done or dropped (plan vs actual) — the plan's writers, even when approved."""
    return can_write_plan(scope, plan)


def can_create_plan(scope: Scope, *, level: str, school_id: int | None = None, group_id: int | None = None) -> bool:
    if level == PlanLevel.PERSONAL:
        return scope.teacher is not None and scope.teacher.school_id == school_id
    if level == PlanLevel.GROUP:
        return group_id is not None and (group_id in scope.led_group_ids or can_manage_school_plans(scope, school_id))
    if level == PlanLevel.SCHOOL:
        return can_manage_school_plans(scope, school_id)
    return scope.is_platform_admin or (bool(scope.region_ids) and scope.can("region:activities"))
