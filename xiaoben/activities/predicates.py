"""Who may do what with an activity, its attendance, 集体备课 and lesson study. Visibility
itself is in scopes.py; these answer the next question: of what a person sees, what may
they do? Services call them first (views only ask them to decide what to show):
- activities are organised by school admins, and by 教研组长 for the groups they lead;
  区域/联片 ones by the region's 教研员 (and a 联盟's lead school);
- the organisers run them; the 主持人 and 记录人 run the day (QR screen, marking);
  the 记录人 writes the minutes;
- 补签 and corrections: admins at any time, the 主持人 or group leader within the window;
- 集体备课 is written by the school's teachers, each keeping their own versions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.utils import timezone

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_ids

from .models import Activity, Attendance, LessonPlanVersion, LessonPrep, LessonStudySeries

if TYPE_CHECKING:
    from xiaoben.org.models import Group, Teacher


def can_create(scope: Scope, school_id: int | None, group_id: int | None = None, region_id: int | None = None) -> bool:
    """School admins organise for the school; 教研组长 for the groups they lead; a region's
    activities (no school) are organised by its 教研员 and a 联盟's lead school."""
    if school_id is None:
        return scope.can("region:activities") or (bool(scope.admin_school_ids) and _leads_alliance(scope, region_id))
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


def can_organise_in(scope: Scope, school_id: int) -> bool:
    """Organises something in this school (for the school, or for a group they lead there)."""
    if scope.admin_of(school_id):
        return True
    return (
        scope.is_group_leader
        and scope.teacher is not None
        and scope.teacher.school_id == school_id
        and scope.can("group:manage", school_id)
    )


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


DEFAULT_FIX_DAYS = 3  # school setting attendance_fix_days: how long after an activity its host may 补签
DEFAULT_LENGTH = dt.timedelta(minutes=90)  # an activity without an end time


def fix_window_end(activity: Activity) -> dt.datetime | None:
    """Until when the host or group leader may correct attendance (admins may always)."""
    if not activity.starts_at:
        return None
    days = DEFAULT_FIX_DAYS
    school = activity.school if activity.school_id else None
    if school is not None:
        days = int(school.setting("attendance_fix_days", DEFAULT_FIX_DAYS) or 0)
    return (activity.ends_at or activity.starts_at + DEFAULT_LENGTH) + dt.timedelta(days=days)


def mark_refusal(scope: Scope, activity: Activity) -> str | None:
    """补签 and corrections (status changes, accepting a 列席): the school's admins at any time; the
    主持人 or the leader of the organising group within the school's window; nobody else (not the
    记录人). None when the person may, else why not, in the words they are shown."""
    if not scope.is_authenticated:
        return "请登录后再操作。"
    if activity.school_id and scope.admin_of(activity.school_id):
        return None
    if activity.school_id is None and can_manage(scope, activity):
        return None
    is_host = scope.teacher_id is not None and scope.teacher_id == activity.host_id
    leads = activity.group_id is not None and activity.group_id in scope.led_group_ids
    if not (is_host or leads):
        return "只有主持人或组长可以补签，请联系他们或学校管理员。"
    end = fix_window_end(activity)
    if end is not None and timezone.now() > end:
        held_until = activity.ends_at or activity.starts_at
        assert held_until is not None  # the window has an end only when the activity has a start
        return f"补签期限已过（活动结束后{(end - held_until).days}天内），请联系学校管理员。"
    return None


def can_sign_in(scope: Scope) -> bool:
    """签到 is a teacher's own (the QR code opens on their phone)."""
    return scope.teacher is not None


def can_ask_leave(scope: Scope, attendance: Attendance) -> bool:
    """请假: for one's own invitation."""
    return scope.is_self(attendance.teacher_id)


def can_change_settings(scope: Scope, school_id: int) -> bool:
    """活动设置 (the 补签期限): the school's admins."""
    return scope.admin_of(school_id)


# --- 集体备课 and lesson study ---------------------------------------------------------


def can_write_prep(scope: Scope, school_id: int) -> bool:
    """集体备课 is written by the school's teachers (drafts, personal versions, 教后反思)."""
    return scope.teacher is not None and scope.teacher.school_id == school_id


def can_create_prep(scope: Scope, school_id: int) -> bool:
    """Starting a 集体备课 in the school (its teachers and admins)."""
    return scope.can("activities:write", school_id=school_id)


def can_name_lead(scope: Scope, school_id: int, lead: Teacher, group: Group | None) -> bool:
    """One names oneself 主备人; naming someone else is for the school's admins and the group's leader."""
    return scope.is_self(lead.pk) or scope.admin_of(school_id) or (group is not None and group.pk in scope.led_group_ids)


def can_reflect(scope: Scope, version: LessonPlanVersion) -> bool:
    """教后反思 on one's own version only."""
    return scope.is_self(version.author_id)


def can_manage_series(scope: Scope, series: LessonStudySeries) -> bool:
    """A 一课多研/同课异构 series is kept by whoever may organise for its group, or its creator."""
    return can_create(scope, series.school_id, series.group_id) or (
        series.created_by_id is not None and series.created_by_id == scope.user_id
    )


def require_on(
    scope: Scope, obj: Activity | Attendance | LessonPrep | LessonPlanVersion | LessonStudySeries, allowed: bool, message: str
) -> None:
    """Refuse unless `allowed`: with the reason when the actor can see `obj` (403), as if it did
    not exist when they cannot (404). The door is asked only on refusal: an allowed write costs
    no query."""
    if not allowed:
        model: type[models.Model] = type(obj)
        raise NotPermitted(message if visible_ids(scope, model, [obj.pk]) else None)
