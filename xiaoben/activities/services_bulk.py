"""Writes of many records at once, with the rules of the single services applied set-wise: a
host's sign-in sheet for one activity (`attendance_record_many`). The demo seed writes its
thousands of sign-ins through it; a paper sheet's import would too."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from xiaoben.core.changes import rows_changed
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open

from . import predicates as can
from .models import Activity, ActivityStatus, Attendance, AttendanceMethod, AttendanceRole, AttendanceStatus
from .services import RUNNERS_ONLY, _eligible_teacher_ids, _resync_if_recorded, sign_in_window

S = ActivityStatus
METHODS: dict[str, str] = {AttendanceStatus.LEAVE: AttendanceMethod.LEAVE, AttendanceStatus.ABSENT: AttendanceMethod.ABSENT}
MARKABLE = (S.PUBLISHED, S.HELD, S.RECORDED)  # attendance is taken once it starts, until archived


@dataclass(frozen=True)
class AttendanceRow:
    """One line of the sheet. `signed_in_at`: when a present teacher signed in (inside the
    activity's sign-in window); present without it is a 补签 and needs `reason`."""

    teacher_id: int
    role: str = AttendanceRole.PARTICIPANT
    status: str = AttendanceStatus.INVITED
    signed_in_at: dt.datetime | None = None
    reason: str = ""


def _check_row(n: int, row: AttendanceRow, window: tuple[dt.datetime, dt.datetime] | None) -> str | None:
    """What is wrong with line `n` (the words `attendance_set` and `attendance_sign_in` use), or None."""
    if row.status not in AttendanceStatus.values:
        return f"第{n}行：未知的签到状态。"
    if row.role not in AttendanceRole.values:
        return f"第{n}行：未知的角色。"
    if row.status != AttendanceStatus.PRESENT:
        return None if row.signed_in_at is None else f"第{n}行：只有已签到的教师有签到时间。"
    if row.signed_in_at is not None:
        if window is None or not (window[0] <= row.signed_in_at <= window[1]):
            return f"第{n}行：签到时间不在签到时间内（活动开始前30分钟到结束后30分钟）。"
        return None
    reason = row.reason.strip()
    if not reason:
        return f"第{n}行：补签须填写原因，如：扫码时网络故障、临时代课后赶到。"
    if len(reason) > 200:
        return f"第{n}行：补签原因最多200字。"
    return None


@transaction.atomic
def attendance_record_many(*, actor: Scope, activity: Activity, rows: Iterable[AttendanceRow]) -> list[Attendance]:
    """The sign-in sheet of one activity: who came (with their sign-in time, or as a 补签 with a
    reason), who was on leave or absent, and who is only invited yet. The activity's runners
    enter it; marking anyone other than invited is a correction (`attendance_set`'s rule: the
    school's admins, or the 主持人/组长 within the window). Every line is checked first; one bad
    line and nothing is saved. Teachers already on the activity are updated, the rest added;
    hours follow once the activity is recorded, as for a single change."""
    can.require_on(actor, activity, can.can_run(actor, activity), RUNNERS_ONLY)
    rows = list(rows)
    if any(r.status != AttendanceStatus.INVITED for r in rows):
        refusal = can.mark_refusal(actor, activity)
        if refusal:
            raise NotPermitted(refusal)
    require_term_open(activity.term_id)
    if activity.status in (S.ARCHIVED, S.CANCELLED):
        raise ValidationError("已归档或已取消的活动不能再登记签到。")
    marked = any(r.status != AttendanceStatus.INVITED for r in rows)
    if marked and (activity.status not in MARKABLE or (activity.starts_at and activity.starts_at > timezone.now())):
        raise ValidationError("活动还没有开始，不能登记签到。")
    window = sign_in_window(activity)
    errors: list[str] = []
    seen: set[int] = set()
    for n, row in enumerate(rows, start=1):
        if row.teacher_id in seen:
            errors.append(f"第{n}行：与前面某一行是同一位教师。")
        seen.add(row.teacher_id)
        if problem := _check_row(n, row, window):
            errors.append(problem)
    eligible = set(_eligible_teacher_ids(activity, seen))
    errors += [f"第{n}行：这位教师不在这次活动的参加范围内。" for n, r in enumerate(rows, start=1) if r.teacher_id not in eligible]
    if errors:
        raise ValidationError(errors)
    existing = {a.teacher_id: a for a in Attendance.objects.select_for_update().filter(activity=activity, teacher_id__in=seen)}
    now = timezone.now()
    fresh: list[Attendance] = []
    changed: list[Attendance] = []
    for row in rows:
        att = existing.get(row.teacher_id) or Attendance(activity=activity, teacher_id=row.teacher_id)
        att.role, att.status, att.signed_in_at = row.role, row.status, row.signed_in_at
        att.method, att.reason, att.marked_by_id, att.marked_at = AttendanceMethod.NONE, "", None, None
        if row.status == AttendanceStatus.PRESENT:
            att.method = AttendanceMethod.SCAN if row.signed_in_at else AttendanceMethod.MANUAL
        else:
            att.method = METHODS.get(row.status, AttendanceMethod.NONE)
        if att.method == AttendanceMethod.MANUAL:  # a 补签 records who vouched for it, and when
            att.reason, att.marked_by_id, att.marked_at = row.reason.strip()[:200], actor.user_id, now
        (changed if att.pk else fresh).append(att)
    fresh = bulk_create_with_history(fresh, Attendance, batch_size=1000)
    fields = ["role", "status", "signed_in_at", "method", "reason", "marked_by", "marked_at", "updated_at"]
    for att in changed:
        att.updated_at = now
    if changed:
        bulk_update_with_history(changed, Attendance, fields, batch_size=1000)
    rows_changed(Attendance, [a.pk for a in fresh + changed])  # kept counts follow
    _resync_if_recorded(activity)
    return fresh + changed
