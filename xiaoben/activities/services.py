"""Writes for 研修活动: create, the 四定 before publishing, status changes,
participants, leave, minutes and the 学时 they earn."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from xiaoben.core import notifications as core_notifications
from xiaoben.core.concurrency import ConflictError, save_checked
from xiaoben.core.errors import require
from xiaoben.core.html import clean_html, html_to_text
from xiaoben.core.notifications import notify
from xiaoben.core.scope import SYSTEM
from xiaoben.core.terms import require_term_open
from xiaoben.hours.services import activity_credits_sync
from xiaoben.org.models import GroupMembership, Teacher

from . import flow, predicates
from .models import (
    Activity,
    ActivityMinutes,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AttendanceRole,
    AttendanceStatus,
    LeaveRequest,
    LeaveState,
)

S = ActivityStatus
EDITABLE_FIELDS = [
    "kind",
    "lesson_kind",
    "title",
    "starts_at",
    "ends_at",
    "place",
    "host",
    "recorder",
    "speaker",
    "group",
    "description",
    "report_for",
]

# 学时 per role; a school overrides with school.settings["activity_hours"] =
# {"participant": 2, "speaker": 3, ...} and per kind {"lecture": {"speaker": 4}}.
SIGNIN_EARLY = dt.timedelta(minutes=30)
SIGNIN_LATE = dt.timedelta(minutes=30)
DEFAULT_LENGTH = dt.timedelta(minutes=90)


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def missing_four_fixed(activity: Activity) -> list[str]:
    """The 四定 (定时间、定地点、定内容、定主讲人) plus the 记录人: what is still missing."""
    missing = []
    if not activity.starts_at:
        missing.append("时间")
    if not (activity.place or "").strip():
        missing.append("地点")
    if not (activity.title or "").strip():
        missing.append("主题/内容")
    if not activity.host_id:
        missing.append("主持人")
    if not activity.recorder_id:
        missing.append("记录人")
    return missing


def _check_four_fixed(activity: Activity) -> None:
    missing = missing_four_fixed(activity)
    if missing:
        raise ValidationError(f"发布前请补全“四定”：缺少{'、'.join(missing)}。")


def _check_times(activity: Activity) -> None:
    if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
        raise ValidationError("结束时间须晚于开始时间。")
    if activity.term_id and activity.starts_at:
        day = timezone.localtime(activity.starts_at).date()
        term = activity.term
        if not term.contains(day):
            raise ValidationError(f"活动日期 {day:%Y-%m-%d} 不在{term.name}（{term.start_date:%m月%d日}–{term.end_date:%m月%d日}）之内。")


def _participant_ids(activity: Activity) -> list[int]:
    return list(Attendance.objects.filter(activity=activity).exclude(teacher__user_id=None).values_list("teacher__user_id", flat=True))


def _ensure_roles(activity: Activity) -> None:
    """The 主持人 and 记录人 are participants with their role (they earn by role)."""
    for teacher_id, role in (
        (activity.host_id, AttendanceRole.HOST),
        (activity.speaker_id, AttendanceRole.SPEAKER),
        (activity.recorder_id, AttendanceRole.RECORDER),
    ):
        if not teacher_id:
            continue
        att, created = Attendance.objects.get_or_create(activity=activity, teacher_id=teacher_id, defaults={"role": role})
        if not created and att.role in (AttendanceRole.PARTICIPANT,) and att.role != role:
            att.role = role
            att.save(update_fields=["role", "updated_at"])


def _group_member_ids(group_ids: Iterable[int]) -> list[int]:
    return list(GroupMembership.objects.filter(group_id__in=list(group_ids), teacher__is_active=True).values_list("teacher_id", flat=True))


@transaction.atomic
def activity_create(*, user, school=None, region=None, term=None, group=None, invite_group: bool = True, **fields) -> Activity:
    """A new activity (计划中). The organising group's members are invited at once."""
    if term is None and school is not None:
        from xiaoben.org.selectors import current_term, term_for_date

        starts = fields.get("starts_at")
        term = (term_for_date(school.pk, timezone.localtime(starts).date()) if starts else None) or current_term(school.pk)
    require_term_open(term)
    activity = Activity(school=school, region=region, term=term, group=group, created_by=user, **fields)
    activity.full_clean(exclude=["version"])
    _check_times(activity)
    activity.save()
    if group is not None and invite_group:
        activity_invite(activity=activity, group_ids=[group.pk], teacher_ids=[], notify=False)
    _ensure_roles(activity)
    return activity


@transaction.atomic
def activity_update(*, activity: Activity, expected_version: int, **fields) -> Activity:
    require_term_open(activity.term_id)
    if activity.status not in flow.OPEN:
        raise ValidationError("已归档或已取消的活动不能再修改。")
    for k, v in fields.items():
        setattr(activity, k, v)
    activity.full_clean(exclude=["version"])
    _check_times(activity)
    if activity.status != S.PLANNED:
        _check_four_fixed(activity)
    save_checked(activity, expected_version, [f for f in EDITABLE_FIELDS if f in fields] + ["term"])
    _ensure_roles(activity)
    return activity


@transaction.atomic
def activity_publish(*, activity: Activity, user) -> Activity:
    """计划中 → 已发布, only when the 四定 are complete; the invited are told."""
    require_term_open(activity.term_id)
    flow.require(activity, "publish")
    _check_four_fixed(activity)
    _check_times(activity)
    _set_status(activity, S.PUBLISHED)
    when = timezone.localtime(activity.starts_at)
    speaker = getattr(activity, "speaker", None)
    notify(
        "activities.published",
        recipients=[i for i in _participant_ids(activity) if i != user.pk],
        context={
            "title": activity.title,
            "when": f"{when:%m月%d日 %H:%M}",
            "place": activity.place,
            "host": activity.host.name if activity.host_id else "—",
            "speaker": speaker.name if speaker is not None else "—",
            "recorder": activity.recorder.name if activity.recorder_id else "—",
        },
        url=activity_url(activity),
        target=activity,
    )
    return activity


@transaction.atomic
def activity_mark_held(*, activity: Activity, user) -> Activity:
    require_term_open(activity.term_id)
    flow.require(activity, "held")
    if activity.starts_at and activity.starts_at > timezone.now():
        raise ValidationError("活动还没有开始，不能标记为已举行。")
    _set_status(activity, S.HELD)
    return activity


@transaction.atomic
def activity_record(*, activity: Activity, user) -> Activity:
    """已举行 → 已记录: needs the minutes; every present attendee is credited 学时 (once)."""
    require_term_open(activity.term_id)
    flow.require(activity, "record")
    if activity.starts_at and activity.starts_at > timezone.now():
        raise ValidationError("活动还没有开始，不能登记记录。")
    minutes = ActivityMinutes.objects.filter(activity=activity).first()
    if minutes is None or not html_to_text(minutes.body).strip():
        raise ValidationError("请记录人先填写并保存活动记录。")
    if activity.status != S.RECORDED:
        _set_status(activity, S.RECORDED)
    # invited and neither signed in nor on leave: 缺席
    for att in Attendance.objects.filter(activity=activity, status=AttendanceStatus.INVITED):
        att.status, att.method = AttendanceStatus.ABSENT, AttendanceMethod.ABSENT
        att.save(update_fields=["status", "method", "updated_at"])
    hours_sync(activity=activity)
    return activity


@transaction.atomic
def activity_archive(*, activity: Activity, user) -> Activity:
    require_term_open(activity.term_id)
    flow.require(activity, "archive")
    _set_status(activity, S.ARCHIVED)
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, user, reason: str = "") -> Activity:
    """取消: participants are told. A recorded activity has earned hours: it cannot be cancelled."""
    require_term_open(activity.term_id)
    flow.require(activity, "cancel")
    was_published = activity.status == S.PUBLISHED
    _set_status(activity, S.CANCELLED)
    if was_published:
        because = reason.strip()[:100]
        notify(
            "activities.cancelled_because" if because else "activities.cancelled",
            recipients=[i for i in _participant_ids(activity) if i != user.pk],
            context={"title": activity.title, "reason": because},
            url=activity_url(activity),
            target=activity,
        )
    return activity


def activity_transition(*, actor, activity: Activity, action: str, user, reason: str = "") -> Activity:
    """One door for every move of the state machine (`flow.TRANSITIONS`): the mover's role
    first (not theirs → 404), then the status (a Chinese refusal), then the move itself."""
    t = flow.BY_ACTION.get(action)
    require(t is not None and flow.may_make(actor, activity, t))
    if action == "cancel":
        return activity_cancel(activity=activity, user=user, reason=reason)
    return MOVES[action](activity=activity, user=user)


def _set_status(activity: Activity, status: str) -> None:
    updated = Activity.objects.filter(pk=activity.pk, version=activity.version).update(
        status=status, version=activity.version + 1, updated_at=timezone.now()
    )
    if not updated:
        from xiaoben.core.concurrency import ConflictError

        raise ConflictError()
    activity.status, activity.version = status, activity.version + 1


# --- participants ------------------------------------------------------------------


def _eligible_teacher_ids(activity: Activity, teacher_ids: Iterable[int]) -> list[int]:
    qs = Teacher.objects.filter(id__in=list(teacher_ids), is_active=True)
    if activity.school_id:
        qs = qs.filter(school_id=activity.school_id)
    elif activity.region_id:
        from xiaoben.org.scope import region_subtree

        sub = region_subtree({activity.region_id})  # a district's schools, or an alliance's members
        qs = qs.filter(Q(school__region_id__in=sub) | Q(school__alliances__in=sub)).distinct()
    return list(qs.values_list("id", flat=True))


@transaction.atomic
def activity_invite(*, activity: Activity, group_ids: Iterable[int], teacher_ids: Iterable[int], notify: bool = True) -> int:
    """Invite groups (their members) and people. Returns how many were newly invited."""
    if activity.status in (S.ARCHIVED, S.CANCELLED):
        raise ValidationError("已归档或已取消的活动不能再邀请。")
    wanted = set(_group_member_ids(group_ids)) | set(teacher_ids)
    ids = set(_eligible_teacher_ids(activity, wanted))
    existing = set(Attendance.objects.filter(activity=activity, teacher_id__in=ids).values_list("teacher_id", flat=True))
    new = sorted(ids - existing)
    Attendance.objects.bulk_create([Attendance(activity=activity, teacher_id=t) for t in new], ignore_conflicts=True)
    if notify and new and activity.status == S.PUBLISHED:
        users = list(Teacher.objects.filter(id__in=new).values_list("user_id", flat=True))
        core_notifications.notify(
            "activities.invited",
            recipients=users,
            context={"title": activity.title},
            url=activity_url(activity),
            target=activity,
        )
    return len(new)


DEFAULT_FIX_DAYS = 3  # school setting attendance_fix_days: how long after an activity its host may 补签


def fix_window_end(activity: Activity) -> dt.datetime | None:
    """Until when the host or group leader may correct attendance (admins may always)."""
    if not activity.starts_at:
        return None
    days = DEFAULT_FIX_DAYS
    if activity.school_id:
        days = int(activity.school.setting("attendance_fix_days", DEFAULT_FIX_DAYS) or 0)
    return (activity.ends_at or activity.starts_at + DEFAULT_LENGTH) + dt.timedelta(days=days)


def _check_may_mark(actor, activity: Activity) -> None:
    """补签 and corrections: the school's admins at any time; the 主持人 or the leader of the
    organising group within the school's window; nobody else (not the 记录人)."""
    from xiaoben.core.errors import NotPermitted

    if actor is None:
        raise NotPermitted("请登录后再操作。")
    if activity.school_id and actor.admin_of(activity.school_id):
        return
    if activity.school_id is None and predicates.can_manage(actor, activity):
        return
    is_host = actor.teacher_id is not None and actor.teacher_id == activity.host_id
    leads = activity.group_id is not None and activity.group_id in actor.led_group_ids
    if not (is_host or leads):
        raise NotPermitted("只有主持人或组长可以补签，请联系他们或学校管理员。")
    end = fix_window_end(activity)
    if end is not None and timezone.now() > end:
        raise NotPermitted(f"补签期限已过（活动结束后{(end - (activity.ends_at or activity.starts_at)).days}天内），请联系学校管理员。")


def may_mark(actor, activity: Activity) -> bool:
    """Whether `actor` may 补签/accept/remove now (the same rule attendance_set applies)."""
    from xiaoben.core.errors import NotPermitted

    try:
        _check_may_mark(actor, activity)
    except NotPermitted:
        return False
    return True


@transaction.atomic
def attendance_set(
    *, attendance: Attendance, actor=None, status: str | None = None, role: str | None = None, reason: str = "", accept: bool = False
) -> Attendance:
    """The host corrects attendance or changes a role; hours follow if already recorded.

    Marking someone present by hand is a 补签: it needs a reason, is allowed only to the
    host/leader within the school's window (and to admins after), and records who did it
    and when — it never fakes a scan time. Every change is kept in the history."""
    require_term_open(attendance.activity.term_id)
    fields = ["updated_at"]
    activity = attendance.activity
    if (status is not None and status != attendance.status) or accept:
        _check_may_mark(actor, activity)
    if accept and attendance.is_guest:
        attendance.is_guest = False
        fields.append("is_guest")
    if status is not None and status != attendance.status:
        if status not in AttendanceStatus.values:
            raise ValidationError("未知的签到状态。")
        reason = (reason or "").strip()
        if status == AttendanceStatus.PRESENT:
            if not reason:
                raise ValidationError("补签须填写原因，如：扫码时网络故障、临时代课后赶到。")
            if len(reason) > 200:
                raise ValidationError("补签原因最多200字。")
        attendance.status = status
        attendance.method = {
            AttendanceStatus.PRESENT: AttendanceMethod.MANUAL,
            AttendanceStatus.LEAVE: AttendanceMethod.LEAVE,
            AttendanceStatus.ABSENT: AttendanceMethod.ABSENT,
        }.get(status, AttendanceMethod.NONE)
        if status != AttendanceStatus.PRESENT:
            attendance.signed_in_at = None
        attendance.reason = reason[:200]
        attendance.marked_by_id = actor.user_id if actor is not None else None
        attendance.marked_at = timezone.now()
        fields += ["status", "method", "signed_in_at", "reason", "marked_by", "marked_at"]
    if role is not None:
        if role not in AttendanceRole.values:
            raise ValidationError("未知的角色。")
        attendance.role = role
        fields.append("role")
    attendance.save(update_fields=fields)
    _resync_if_recorded(attendance.activity)
    return attendance


@transaction.atomic
def attendance_remove(*, attendance: Attendance) -> None:
    """Removing an attendance removes its 学时 credit."""
    activity = attendance.activity
    if attendance.teacher_id in (activity.host_id, activity.recorder_id):
        raise ValidationError("主持人和记录人不能移出，请先在活动中更换。")
    attendance.delete()
    _resync_if_recorded(activity)


def sign_in_window(activity: Activity) -> tuple[dt.datetime, dt.datetime] | None:
    if not activity.starts_at:
        return None
    end = activity.ends_at or activity.starts_at + DEFAULT_LENGTH
    return activity.starts_at - SIGNIN_EARLY, end + SIGNIN_LATE


@transaction.atomic
def attendance_sign_in(*, activity: Activity, teacher: Teacher) -> Attendance:
    """签到 on the spot, inside the activity's window (half an hour either side)."""
    require_term_open(activity.term_id)
    if activity.status not in flow.SIGN_IN:
        raise ValidationError(f"活动{activity.get_status_display()}，不能签到。")
    window = sign_in_window(activity)
    now = timezone.now()
    if window is None or not (window[0] <= now <= window[1]):
        raise ValidationError("不在签到时间内：签到从活动开始前30分钟开放，到结束后30分钟关闭。")
    att = Attendance.objects.select_for_update().filter(activity=activity, teacher=teacher).first()
    if att is None:
        if activity.school_id is None:  # 区域/联片: the invited schools, groups and teachers only
            raise ValidationError("这是区域活动，只有受邀的学校、小组和教师可以签到。")
        if not _eligible_teacher_ids(activity, [teacher.pk]):
            raise ValidationError("你不在这次活动的参加范围内。")
        # not invited: 列席 — shown to the host, who accepts (hours) or removes them
        att = Attendance(activity=activity, teacher=teacher, is_guest=True)
    if att.status == AttendanceStatus.PRESENT and att.pk:
        return att
    att.status, att.signed_in_at, att.method = AttendanceStatus.PRESENT, now, AttendanceMethod.SCAN
    att.save()
    return att


@transaction.atomic
def leave_request(*, attendance: Attendance, reason: str) -> LeaveRequest:
    require_term_open(attendance.activity.term_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("请填写请假事由。")
    if len(reason) > 200:
        raise ValidationError("请假事由最多200字。")
    activity = attendance.activity
    if activity.status not in flow.LEAVE:
        raise ValidationError("活动已举行或已取消，不能再请假。")
    leave, _ = LeaveRequest.objects.update_or_create(
        attendance=attendance, defaults={"reason": reason, "state": LeaveState.PENDING, "decided_by": None, "decided_at": None}
    )
    organisers = {activity.created_by_id} | set(
        GroupMembership.objects.filter(group_id=activity.group_id, role__in=["leader", "deputy"]).values_list("teacher__user_id", flat=True)
    )
    notify(
        "activities.leave_requested",
        recipients=[u for u in organisers if u],
        context={"teacher": attendance.teacher.name, "title": activity.title, "reason": reason[:40]},
        url=activity_url(activity),
        target=activity,
    )
    return leave


@transaction.atomic
def leave_decide(*, leave: LeaveRequest, approve: bool, user) -> LeaveRequest:
    if leave.state != LeaveState.PENDING:
        raise ValidationError("这条请假已经审批过了。")
    leave.state = LeaveState.APPROVED if approve else LeaveState.REJECTED
    leave.decided_by, leave.decided_at = user, timezone.now()
    leave.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    att = leave.attendance
    if approve and att.status != AttendanceStatus.PRESENT:
        att.status, att.method = AttendanceStatus.LEAVE, AttendanceMethod.LEAVE
        att.save(update_fields=["status", "method", "updated_at"])
    notify(
        "activities.leave_approved" if approve else "activities.leave_refused",
        recipients=[att.teacher.user_id],
        context={"title": att.activity.title},
        url=activity_url(att.activity),
        target=att.activity,
    )
    return leave


# --- minutes -------------------------------------------------------------------------


def minutes_autosave(*, activity: Activity, user, html: str, expected_version: int | None) -> ActivityMinutes:
    """Autosaved draft (every few seconds from the editor): never touches the saved record.
    The draft remembers the version it was written on; once someone else has saved a newer
    record, a stale editor's autosave is refused instead of replacing the draft (issue #12)."""
    if expected_version is None:
        raise ValidationError("缺少版本号：请刷新页面后再编辑。")
    require_term_open(activity.term_id)
    if activity.status not in flow.MINUTES_EDITABLE:
        raise ValidationError("活动不可编辑")
    minutes, _ = ActivityMinutes.objects.get_or_create(activity=activity)
    if expected_version != _minutes_version(minutes):
        raise ConflictError()
    minutes.draft = clean_html(html)[:100000]
    minutes.draft_saved_at = timezone.now()
    minutes.draft_version = expected_version
    minutes.save(update_fields=["draft", "draft_saved_at", "draft_version", "updated_at"])
    return minutes


def _minutes_version(minutes: ActivityMinutes | None) -> int:
    """The version an editor sees: 0 while nothing has been saved yet (only drafts, or no row)."""
    if minutes is None or minutes.saved_at is None:
        return 0
    return minutes.version


def minutes_editor_state(minutes: ActivityMinutes | None) -> dict:
    """What the editor opens with: the draft if it was written on the current record, else the
    record — and a stale draft (written on an older version) is offered with that older version,
    so saving it is refused rather than silently replacing someone else's newer minutes."""
    current = _minutes_version(minutes)
    if minutes is None:
        return {"content": "", "version": 0, "has_draft": False, "stale_draft": False}
    if minutes.draft and minutes.draft_version == current:
        return {"content": minutes.draft, "version": current, "has_draft": True, "stale_draft": False}
    return {"content": minutes.body, "version": current, "has_draft": False, "stale_draft": bool(minutes.draft)}


@transaction.atomic
def minutes_save(*, activity: Activity, user, html: str, expected_version: int | None, finish: bool = False) -> ActivityMinutes:
    """Save the 活动记录; with `finish` the activity becomes 已记录 and hours are credited.
    `expected_version` is the version the editor loaded (0 for none yet): required."""
    if expected_version is None:
        raise ValidationError("缺少版本号：请刷新页面后再保存。")
    require_term_open(activity.term_id)
    body = clean_html(html)
    if len(body) > 100000:
        raise ValidationError("活动记录太长了，最多约10万字符。")
    if not html_to_text(body).strip():
        raise ValidationError("活动记录不能为空。")
    if activity.status not in flow.MINUTES_EDITABLE:
        raise ValidationError(f"“{activity.get_status_display()}”的活动不能修改记录。")
    minutes, _ = ActivityMinutes.objects.get_or_create(activity=activity)
    if expected_version != _minutes_version(minutes):
        raise ConflictError()
    minutes.body, minutes.draft, minutes.author, minutes.saved_at = body, "", user, timezone.now()
    save_checked(minutes, minutes.version, ["body", "draft", "author", "saved_at"])
    if finish:
        activity_record(activity=activity, user=user)
    return minutes


# --- hours -----------------------------------------------------------------------------
# The credit rule (学时 by role and kind, the category) belongs to hours: `hours.services`.


def hours_sync(*, activity: Activity) -> dict[int, Decimal]:
    """Credit every present attendee by role through the hours ledger (idempotent)."""
    attendees: list[tuple[int, str]] = []
    if activity.status in (S.RECORDED, S.ARCHIVED):
        attendees = list(
            Attendance.objects.filter(activity=activity, status=AttendanceStatus.PRESENT, is_guest=False).values_list("teacher_id", "role")
        )
    # crediting is the platform's own rule (actor SYSTEM); the services calling this checked who records
    return activity_credits_sync(actor=SYSTEM, activity=activity, attendees=attendees)


def _resync_if_recorded(activity: Activity) -> None:
    if activity.status in (S.RECORDED, S.ARCHIVED):
        hours_sync(activity=activity)


MOVES = {"publish": activity_publish, "held": activity_mark_held, "record": activity_record, "archive": activity_archive}
