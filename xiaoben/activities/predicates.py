"""Who may do what with an activity. Visibility itself is in scopes.py; these
answer the next question: of the activities a person sees, which may they run?"""

from __future__ import annotations

from xiaoben.core.scope import Scope

from .models import Activity


def can_create(scope: Scope, school_id: int | None, group_id: int | None = None) -> bool:
    """School admins organise for the school; 教研组长 for the groups they lead."""
    if school_id is None:
        return scope.can("region:activities")
    if scope.admin_of(school_id):
        return True
    return (
        group_id is not None
        and group_id in scope.led_group_ids
        and scope.can("group:manage", school_id=school_id)
        and scope.teacher is not None
        and scope.teacher.school_id == school_id
    )


def can_create_any(scope: Scope) -> bool:
    return scope.is_platform_admin or scope.is_school_admin or (scope.is_group_leader and scope.can("group:manage"))


def can_manage(scope: Scope, activity: Activity) -> bool:
    """Edit, publish, cancel, invite, decide leave: the organiser's side."""
    if activity.school_id is None:
        if scope.is_platform_admin or (scope.can("region:activities") and activity.region_id in scope.region_ids):
            return True
        return bool(scope.admin_school_ids) and _leads_alliance(scope, activity.region_id)
    if scope.admin_of(activity.school_id):
        return True
    if activity.group_id and activity.group_id in scope.led_group_ids and scope.can("group:manage", school_id=activity.school_id):
        return True
    return activity.created_by_id is not None and activity.created_by_id == scope.user_id


def _leads_alliance(scope: Scope, region_id: int | None) -> bool:
    """A 联盟 activity is run by the alliance's lead school too (region.Alliance.lead_school)."""
    from xiaoben.org.models import Region  # region.Alliance (above activities) is read through its link

    return (
        region_id is not None and Region.objects.filter(pk=region_id, alliance_profile__lead_school_id__in=scope.admin_school_ids).exists()
    )


def can_run(scope: Scope, activity: Activity) -> bool:
    """Host screen (QR), marking attendance: the organisers plus the 主持人 and 记录人."""
    return can_manage(scope, activity) or (scope.teacher_id is not None and scope.teacher_id in (activity.host_id, activity.recorder_id))


def can_record(scope: Scope, activity: Activity) -> bool:
    """Minutes (活动记录) are written by the 记录人; organisers may step in."""
    return can_manage(scope, activity) or (scope.teacher_id is not None and scope.teacher_id == activity.recorder_id)
