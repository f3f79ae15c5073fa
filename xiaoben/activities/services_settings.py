"""The school's activity settings (school.settings keys this app reads)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from xiaoben.core.errors import require
from xiaoben.core.scope import Scope
from xiaoben.org.models import School

from . import predicates as can

MAX_FIX_DAYS = 60


def activity_settings_for(school: School) -> dict[str, int]:
    return {"attendance_fix_days": int(school.setting("attendance_fix_days", can.DEFAULT_FIX_DAYS) or 0)}


@transaction.atomic
def activity_settings_update(*, actor: Scope, school: School, attendance_fix_days: int) -> School:
    """补签期限: for how many days after an activity its 主持人 or the group's leader may still
    补签 or correct attendance; after that only the school's admins may (0 = the day itself)."""
    require(can.can_change_settings(actor, school.pk), "只有学校管理员可以修改活动设置。")
    if not isinstance(attendance_fix_days, int) or not 0 <= attendance_fix_days <= MAX_FIX_DAYS:
        raise ValidationError(f"补签期限应在 0 到 {MAX_FIX_DAYS} 天之间。")
    school = School.objects.select_for_update().get(pk=school.pk)
    school.settings = {**(school.settings or {}), "attendance_fix_days": attendance_fix_days}
    school.save(update_fields=["settings"])
    return school
