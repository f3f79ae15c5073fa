"""Writes for 研修活动: create, the 四定 before publishing, status changes,
participants, leave, minutes and the 学时 they earn. Every service takes the actor's `Scope`
and checks it first (xiaoben.activities.predicates): out of reach → NotPermitted() (404), seen
but not theirs to do → NotPermitted("…") (403 with the reason)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from xiaoben.core import notifications as core_notifications
from xiaoben.core.concurrency import ConflictError, save_checked
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.html import clean_html, html_to_text
from xiaoben.core.notifications import notify
from xiaoben.core.scope import SYSTEM, Scope
from xiaoben.core.terms import require_term_open
from xiaoben.hours.services import activity_credits_sync
from xiaoben.org.models import GroupMembership, Teacher

from . import flow
from . import predicates as can
from .models import (
    Activity,
    ActivityMinutes,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    AttendanceRole,
    AttendanceStatus,
    CalendarFeed,
    LeaveRequest,
    LeaveState,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from xiaoben.core.models import Attachment
    from xiaoben.org.models import Group, Region, School, Term

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
DEFAULT_LENGTH = can.DEFAULT_LENGTH
MANAGERS_ONLY = "只有活动的组织者（学校管理员、组长或创建人）可以{}。"


def activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def missing_four_fixed(activity: Activity) -> list[str]:
    """The 四定 (定时间、定地点、定内容、定主讲人) plus the 记录人: what is still missing."""
    missing: list[str] = []
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
        if term is not None and not term.contains(day):
            raise ValidationError(f"活动日期 {day:%Y-%m-%d} 不在{term.name}（{term.start_date:%m月%d日}–{term.end_date:%m月%d日}）之内。")


def _participant_ids(activity: Activity) -> list[int]:
    return list(
        Attendance.objects.filter(activity=activity).exclude(teacher__user_id__isnull=True).values_list("teacher__user_id", flat=True)
    )


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
def activity_create(
    *,
    actor: Scope,
    school: School | None = None,
    region: Region | None = None,
    term: Term | None = None,
    group: Group | None = None,
    invite_group: bool = True,
    **fields: Any,
) -> Activity:
    """A new activity (计划中) organised by the actor: a school's admin, the leader of the
    organising group, or for a region's activities (no school) its 教研员 or a 联盟's lead
    school. The organising group's members are invited at once."""
    require(can.can_create(actor, school.pk if school else None, group.pk if group else None, region.pk if region else None))
    if term is None and school is not None:
        from xiaoben.org.selectors import current_term, term_for_date

        starts = fields.get("starts_at")
        term = (term_for_date(school.pk, timezone.localtime(starts).date()) if starts else None) or current_term(school.pk)
    require_term_open(term)
    activity = Activity(school=school, region=region, term=term, group=group, created_by_id=actor.user_id, **fields)
    activity.full_clean(exclude=["version"])
    _check_times(activity)
    activity.save()
    if group is not None and invite_group:
        _invite(activity, group_ids=[group.pk], teacher_ids=[], tell=False)
    _ensure_roles(activity)
    return activity


@transaction.atomic
def activity_update(*, actor: Scope, activity: Activity, expected_version: int | None, **fields: Any) -> Activity:
    """Edit an open activity (its organisers); once published the 四定 must stay complete."""
    can.require_on(actor, activity, can.can_manage(actor, activity), MANAGERS_ONLY.format("修改活动"))
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


def _require_move(actor: Scope, activity: Activity, action: str) -> None:
    """The mover's role first (seen but not theirs → 403 with who may; unseen → 404), then the
    activity's status (a Chinese ValidationError)."""
    t = flow.BY_ACTION[action]
    who = "活动的组织者" if t.who == "manage" else "活动的组织者、主持人或记录人"
    can.require_on(actor, activity, flow.may_make(actor, activity, t), f"只有{who}可以{t.label}。")
    require_term_open(activity.term_id)
    flow.require(activity, action)


@transaction.atomic
def activity_publish(*, actor: Scope, activity: Activity) -> Activity:
    """计划中 → 已发布, only when the 四定 are complete; the invited are told."""
    _require_move(actor, activity, "publish")
    _check_four_fixed(activity)
    _check_times(activity)
    _set_status(activity, S.PUBLISHED)
    assert activity.starts_at is not None  # the 四定 hold
    when = timezone.localtime(activity.starts_at)
    speaker = getattr(activity, "speaker", None)
    notify(
        "activities.published",
        recipients=[i for i in _participant_ids(activity) if i != actor.user_id],
        context={
            "title": activity.title,
            "when": f"{when:%m月%d日 %H:%M}",
            "place": activity.place,
            "host": activity.host.name if activity.host else "—",
            "speaker": speaker.name if speaker is not None else "—",
            "recorder": activity.recorder.name if activity.recorder else "—",
        },
        url=activity_url(activity),
        target=activity,
    )
    return activity


@transaction.atomic
def activity_mark_held(*, actor: Scope, activity: Activity) -> Activity:
    """已发布 → 已举行, once it has started."""
    _require_move(actor, activity, "held")
    if activity.starts_at and activity.starts_at > timezone.now():
        raise ValidationError("活动还没有开始，不能标记为已举行。")
    _set_status(activity, S.HELD)
    return activity


@transaction.atomic
def activity_record(*, actor: Scope, activity: Activity) -> Activity:
    """已举行 → 已记录: needs the minutes; every present attendee is credited 学时 (once)."""
    _require_move(actor, activity, "record")
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
    _credit_hours(activity)
    return activity


@transaction.atomic
def activity_archive(*, actor: Scope, activity: Activity) -> Activity:
    """已记录 → 已归档: nothing changes after that."""
    _require_move(actor, activity, "archive")
    _set_status(activity, S.ARCHIVED)
    return activity


@transaction.atomic
def activity_cancel(*, actor: Scope, activity: Activity, reason: str = "") -> Activity:
    """取消: participants are told. A recorded activity has earned hours: it cannot be cancelled."""
    _require_move(actor, activity, "cancel")
    was_published = activity.status == S.PUBLISHED
    _set_status(activity, S.CANCELLED)
    if was_published:
        because = reason.strip()[:100]
        notify(
            "activities.cancelled_because" if because else "activities.cancelled",
            recipients=[i for i in _participant_ids(activity) if i != actor.user_id],
            context={"title": activity.title, "reason": because},
            url=activity_url(activity),
            target=activity,
        )
    return activity


def activity_transition(*, actor: Scope, activity: Activity, action: str, reason: str = "") -> Activity:
    """Every move of the state machine (`flow.TRANSITIONS`) by its name in the URL; each move
    checks the mover's role, then the status."""
    require(action in flow.BY_ACTION)
    if action == "cancel":
        return activity_cancel(actor=actor, activity=activity, reason=reason)
    return MOVES[action](actor=actor, activity=activity)


def _set_status(activity: Activity, status: str) -> None:
    updated = Activity.objects.filter(pk=activity.pk, version=activity.version).update(
        status=status, version=activity.version + 1, updated_at=timezone.now()
    )
    if not updated:
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
def activity_invite(*, actor: Scope, activity: Activity, group_ids: Iterable[int], teacher_ids: Iterable[int], notify: bool = True) -> int:
    """Invite groups (their members) and people (the organisers). Returns how many were newly invited."""
    can.require_on(actor, activity, can.can_manage(actor, activity), MANAGERS_ONLY.format("邀请参加人"))
    return _invite(activity, group_ids=group_ids, teacher_ids=teacher_ids, tell=notify)


def _invite(activity: Activity, *, group_ids: Iterable[int], teacher_ids: Iterable[int], tell: bool) -> int:
    if activity.status in (S.ARCHIVED, S.CANCELLED):
        raise ValidationError("已归档或已取消的活动不能再邀请。")
    wanted = set(_group_member_ids(group_ids)) | set(teacher_ids)
    ids = set(_eligible_teacher_ids(activity, wanted))
    existing = set(Attendance.objects.filter(activity=activity, teacher_id__in=ids).values_list("teacher_id", flat=True))
    new = sorted(ids - existing)
    Attendance.objects.bulk_create([Attendance(activity=activity, teacher_id=t) for t in new], ignore_conflicts=True)
    if tell and new and activity.status == S.PUBLISHED:
        users = list(Teacher.objects.filter(id__in=new).values_list("user_id", flat=True))
        core_notifications.notify(
            "activities.invited",
            recipients=users,
            context={"title": activity.title},
            url=activity_url(activity),
            target=activity,
        )
    return len(new)


@transaction.atomic
def attendance_set(
    *,
    actor: Scope,
    attendance: Attendance,
    status: str | None = None,
    role: str | None = None,
    reason: str = "",
    accept: bool = False,
) -> Attendance:
    """The host corrects attendance or changes a role; hours follow if already recorded.

    Marking someone present by hand is a 补签: it needs a reason, is allowed only to the
    host/leader within the school's window (and to admins after), and records who did it
    and when — it never fakes a scan time. Every change is kept in the history."""
    activity = attendance.activity
    can.require_on(actor, activity, can.can_run(actor, activity), RUNNERS_ONLY)
    if (status is not None and status != attendance.status) or accept:
        refusal = can.mark_refusal(actor, activity)
        if refusal:
            raise NotPermitted(refusal)
    require_term_open(activity.term_id)
    fields = ["updated_at"]
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
        methods: dict[str, str] = {
            AttendanceStatus.PRESENT: AttendanceMethod.MANUAL,
            AttendanceStatus.LEAVE: AttendanceMethod.LEAVE,
            AttendanceStatus.ABSENT: AttendanceMethod.ABSENT,
        }
        attendance.method = methods.get(status, AttendanceMethod.NONE)
        if status != AttendanceStatus.PRESENT:
            attendance.signed_in_at = None
        attendance.reason = reason[:200]
        attendance.marked_by_id = actor.user_id
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


RUNNERS_ONLY = "只有活动的组织者、主持人或记录人可以登记签到。"


@transaction.atomic
def attendance_remove(*, actor: Scope, attendance: Attendance) -> None:
    """Removing an attendance (the activity's runners) removes its 学时 credit."""
    activity = attendance.activity
    can.require_on(actor, activity, can.can_run(actor, activity), RUNNERS_ONLY)
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
def attendance_sign_in(*, actor: Scope, activity: Activity) -> Attendance:
    """The actor (a teacher) 签到 on the spot, inside the activity's window (half an hour either side)."""
    require(can.can_sign_in(actor))
    teacher = actor.teacher
    assert teacher is not None  # can_sign_in holds only for a teacher
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
def leave_request(*, actor: Scope, attendance: Attendance, reason: str) -> LeaveRequest:
    """请假 for one's own invitation, before the activity is held; the organisers are told."""
    can.require_on(actor, attendance, can.can_ask_leave(actor, attendance), "只能为自己请假。")
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
    organisers = {activity.created_by_id}
    if activity.group_id is not None:
        leaders = GroupMembership.objects.filter(group_id=activity.group_id, role__in=["leader", "deputy"])
        organisers |= set(leaders.values_list("teacher__user_id", flat=True))
    notify(
        "activities.leave_requested",
        recipients=[u for u in organisers if u],
        context={"teacher": attendance.teacher.name, "title": activity.title, "reason": reason[:40]},
        url=activity_url(activity),
        target=activity,
    )
    return leave


@transaction.atomic
def leave_decide(*, actor: Scope, leave: LeaveRequest, approve: bool) -> LeaveRequest:
    """The organisers approve (the attendance becomes 请假) or refuse; the teacher is told."""
    activity = leave.attendance.activity
    can.require_on(actor, activity, can.can_manage(actor, activity), MANAGERS_ONLY.format("审批请假"))
    if leave.state != LeaveState.PENDING:
        raise ValidationError("这条请假已经审批过了。")
    leave.state = LeaveState.APPROVED if approve else LeaveState.REJECTED
    leave.decided_by_id, leave.decided_at = actor.user_id, timezone.now()
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


RECORDERS_ONLY = "只有记录人或活动的组织者可以填写活动记录。"


def minutes_autosave(*, actor: Scope, activity: Activity, html: str, expected_version: int | None) -> ActivityMinutes:
    """Autosaved draft (every few seconds from the editor): never touches the saved record.
    The draft remembers the version it was written on; once someone else has saved a newer
    record, a stale editor's autosave is refused instead of replacing the draft (issue #12)."""
    can.require_on(actor, activity, can.can_record(actor, activity), RECORDERS_ONLY)
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


def minutes_editor_state(minutes: ActivityMinutes | None) -> dict[str, Any]:
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
def minutes_save(*, actor: Scope, activity: Activity, html: str, expected_version: int | None, finish: bool = False) -> ActivityMinutes:
    """Save the 活动记录 (the 记录人, or an organiser stepping in); with `finish` the activity
    becomes 已记录 and hours are credited. `expected_version` is the version the editor loaded
    (0 for none yet): required."""
    can.require_on(actor, activity, can.can_record(actor, activity), RECORDERS_ONLY)
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
    minutes.body, minutes.draft, minutes.author_id, minutes.saved_at = body, "", actor.user_id, timezone.now()
    save_checked(minutes, minutes.version, ["body", "draft", "author", "saved_at"])
    if finish:
        activity_record(actor=actor, activity=activity)
    return minutes


MINUTES_ATTACHMENT_KINDS = {"pdf", "docx", "pptx", "xlsx", "image", "video"}


@transaction.atomic
def minutes_attach(*, actor: Scope, activity: Activity, upload: UploadedFile[bytes] | None) -> Attachment:
    """A file on the 活动记录 (photos, the PPT, a signed sheet): whoever may write the minutes."""
    from xiaoben.core.models import User
    from xiaoben.core.services import attachment_add

    can.require_on(actor, activity, can.can_record(actor, activity), RECORDERS_ONLY)
    if upload is None:
        raise ValidationError("请选择要上传的文件。")
    minutes, _ = ActivityMinutes.objects.get_or_create(activity=activity)
    user = User.objects.get(pk=actor.user_id or 0)
    return attachment_add(user=user, target=minutes, upload=upload, kinds=MINUTES_ATTACHMENT_KINDS)


# --- calendar feed ---------------------------------------------------------------------


def calendar_feed_renew(*, actor: Scope) -> CalendarFeed:
    """A new secret .ics address for the actor (a teacher); the old one stops working."""
    require(actor.teacher is not None)
    token = secrets.token_urlsafe(24)
    feed, _ = CalendarFeed.objects.update_or_create(teacher=actor.teacher, defaults={"token": token})
    return feed


# --- hours -----------------------------------------------------------------------------
# The credit rule (学时 by role and kind, the category) belongs to hours: `hours.services`.


def hours_sync(*, actor: Scope, activity: Activity) -> dict[int, Decimal]:
    """Re-credit every attendance that counts by role through the hours ledger (the organisers;
    idempotent)."""
    can.require_on(actor, activity, can.can_manage(actor, activity), MANAGERS_ONLY.format("重新登记学时"))
    return _credit_hours(activity)


def _credit_hours(activity: Activity) -> dict[int, Decimal]:
    attendees: list[tuple[int, str]] = []
    if activity.status in (S.RECORDED, S.ARCHIVED):
        attendees = list(Attendance.objects.filter(Attendance.COUNTED, activity=activity).values_list("teacher_id", "role"))
    # crediting is the platform's own rule (actor SYSTEM); the services calling this checked who records
    return activity_credits_sync(actor=SYSTEM, activity=activity, attendees=attendees)


def _resync_if_recorded(activity: Activity) -> None:
    if activity.status in (S.RECORDED, S.ARCHIVED):
        _credit_hours(activity)


MOVES: dict[str, Callable[..., Activity]] = {
    "publish": activity_publish,
    "held": activity_mark_held,
    "record": activity_record,
    "archive": activity_archive,
}
