"""Who may manage which group robot."""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import Robot


def can_manage_robots_of(scope: Scope, *, school_id: int | None = None, group_id: int | None = None, region_id: int | None = None) -> bool:
    if scope.is_platform_admin:
        return True
    if school_id is not None:
        return scope.can("school:manage", school_id=school_id)
    if group_id is not None:
        return group_id in scope.led_group_ids or _group_school_admin(scope, group_id)
    if region_id is not None:
        return region_id in scope.region_ids and scope.can("region:read")
    return False


def _group_school_admin(scope: Scope, group_id: int) -> bool:
    from xiaoben.org.models import Group

    school_id = Group.objects.filter(pk=group_id).values_list("school_id", flat=True).first()
    return school_id is not None and scope.can("school:manage", school_id=school_id)


def can_set_school_defaults(scope: Scope, school_id: int | None) -> bool:
    """全校默认 of the e-mail notices: the school's admins."""
    return school_id is not None and scope.can("school:manage", school_id=school_id)


def can_manage_robot(scope: Scope, robot: Robot) -> bool:
    return can_manage_robots_of(scope, school_id=robot.school_id, group_id=robot.group_id, region_id=robot.region_id)
