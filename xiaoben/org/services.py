"""Writes about places and people. Each is one transaction, takes the actor's `Scope` and asks
`predicates.py` first (`NotPermitted()` → 404 for whoever may not manage the school). The rules a
form shows (leader ≠ deputy, the term's length, a teacher's dates and phone) live here; forms call
the same checks, so a rule holds whoever writes."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from xiaoben.core.concurrency import ConflictError
from xiaoben.core.errors import require
from xiaoben.core.models import User
from xiaoben.core.scope import Scope
from xiaoben.core.validation import require_lengths

from . import predicates as can
from .choices import STORED_ROLES, MemberRole
from .models import CalendarDay, Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Teacher, TeacherHonour, Term


def name_initials(name: str) -> str:
    """张晓明 -> zxm, for picking a colleague by pinyin initials."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()[:20]


def username_for(school: School, staff_no: str) -> str:
    return f"{school.code}-{staff_no}"


PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
MIN_AGE, MAX_AGE = 18, 70  # a serving teacher's age; outside it the birth date is a typo


def age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def phone_normalise(phone: str | None) -> str:
    """13812345678 from "138-1234 5678"; raises when it is not a mainland mobile number."""
    p = re.sub(r"[\s\-]", "", phone or "")
    if p and not PHONE_RE.match(p):
        raise ValidationError({"phone": "手机号格式不正确，应为11位数字。"})
    return p


def phone_check_free(phone: str, *, user_id: int | None = None) -> None:
    """A phone signs in: nobody else may hold it."""
    others = User.objects.filter(phone=phone)
    if user_id is not None:
        others = others.exclude(pk=user_id)
    if phone and others.exists():
        raise ValidationError({"phone": "该手机号已被其他账号使用。"})


def teacher_dates_check(*, birth_date: dt.date | None, teaching_since: dt.date | None, today: dt.date) -> None:
    """No date after today; a serving teacher's age; teaching began at 16 at the earliest."""
    errors: dict[str, str] = {}
    for key, day in (("birth_date", birth_date), ("teaching_since", teaching_since)):
        if day and day > today:
            errors[key] = "日期不能晚于今天。"
    if birth_date and "birth_date" not in errors and not MIN_AGE <= age_on(birth_date, today) <= MAX_AGE:
        errors["birth_date"] = f"出生日期不合理：在职教师的年龄应在{MIN_AGE}至{MAX_AGE}岁之间。"
    if birth_date and teaching_since and not errors and age_on(birth_date, teaching_since) < 16:
        errors["teaching_since"] = "参加教学工作时间早于16周岁，请与出生日期一起核对。"
    if errors:
        raise ValidationError(errors)


def teacher_profile_check(
    *, profile: dict[str, Any], phone: str | None, user_id: int | None = None, today: dt.date | None = None
) -> str | None:
    """The rules of a teacher's profile (form and service alike); returns the normalised phone."""
    from .selectors import today as today_

    teacher_dates_check(birth_date=profile.get("birth_date"), teaching_since=profile.get("teaching_since"), today=today or today_())
    if phone is None:
        return None
    normal = phone_normalise(phone)
    phone_check_free(normal, user_id=user_id)
    return normal


@transaction.atomic
def teacher_create(
    *,
    actor: Scope,
    school: School,
    staff_no: str,
    name: str,
    password: str | None = None,
    phone: str | None = None,
    must_change_password: bool = True,
    **profile: Any,
) -> Teacher:
    """Create the account and the profile. Without a password a random one is set
    and the teacher must change it at first login."""
    require(can.can_manage_school(actor, school.pk))
    phone = teacher_profile_check(profile=profile, phone=phone)
    if Teacher.objects.filter(school=school, staff_no=staff_no).exists():
        raise ValidationError(f"工号 {staff_no} 已存在。")
    user = User(username=username_for(school, staff_no), full_name=name, phone=phone or None, must_change_password=must_change_password)
    user.set_password(password or secrets.token_urlsafe(12))
    user.full_clean(exclude=["password"])
    user.save()
    teacher = Teacher(user=user, school=school, staff_no=staff_no, name=name, name_initials=name_initials(name), **profile)
    teacher.full_clean(exclude=["user"])
    teacher.save()
    return teacher


@transaction.atomic
def teacher_update(*, actor: Scope, teacher: Teacher, expected_version: int | None, phone: str | None = None, **fields: Any) -> Teacher:
    """Edit a teacher's profile. The editor's copy carries the version it was loaded with: a
    second editor saving an older copy is told, instead of overwriting the first (issue #12)."""
    require(can.can_manage_school(actor, teacher.school_id))
    merged = {"birth_date": teacher.birth_date, "teaching_since": teacher.teaching_since} | fields
    phone = teacher_profile_check(profile=merged, phone=phone, user_id=teacher.user_id)
    if expected_version is None:
        raise ValidationError("缺少版本号：请刷新页面后再保存。")
    for key, value in fields.items():
        setattr(teacher, key, value)
    if "name" in fields:
        teacher.name_initials = name_initials(teacher.name)
        teacher.user.full_name = teacher.name
    if phone is not None:
        teacher.user.phone = phone or None
    teacher.full_clean(exclude=["user", "version"])
    # The conditional UPDATE is the guard; the save after it keeps the edit history.
    if not Teacher.objects.filter(pk=teacher.pk, version=expected_version).update(version=expected_version + 1):
        raise ConflictError()
    teacher.version = expected_version + 1
    teacher.save()
    teacher.user.full_clean(exclude=["password"])
    teacher.user.save(update_fields=["full_name", "phone"])
    return teacher


def honours_set(*, actor: Scope, teacher: Teacher, honours: list[tuple[str, str]]) -> None:
    """Replace a teacher's honours with [(level, kind), …]."""
    require(can.can_manage_school(actor, teacher.school_id))
    teacher.honours.all().delete()
    TeacherHonour.objects.bulk_create([TeacherHonour(teacher=teacher, level=lv, kind=k) for lv, k in set(honours)])


def school_year_get_or_create(*, actor: Scope, school: School, start_year: int) -> SchoolYear:
    require(can.can_manage_school(actor, school.pk))
    return SchoolYear.objects.get_or_create(school=school, start_year=start_year)[0]


MAX_TERM_WEEKS = 26  # a term longer than half a year is a typo in a date


def term_dates_check(start_date: dt.date, end_date: dt.date) -> None:
    """A term ends after it starts and lasts at most 26 weeks (forms show the same message)."""
    if end_date <= start_date:
        raise ValidationError({"end_date": "学期结束日期必须晚于开学日期。"})
    if (end_date - start_date).days > 7 * MAX_TERM_WEEKS:
        raise ValidationError({"end_date": f"一个学期不应超过{MAX_TERM_WEEKS}周，请核对日期。"})


def group_roles_check(*, leader_ids: Iterable[int], deputy_ids: Iterable[int] | None) -> None:
    """组长 and 副组长 are different people."""
    if set(leader_ids) & set(deputy_ids or []):
        raise ValidationError({"deputies": "同一位教师不能既是组长又是副组长。"})


@transaction.atomic
def term_create(
    *,
    actor: Scope,
    school: School,
    start_year: int,
    number: int,
    start_date: dt.date,
    end_date: dt.date,
    holiday_weeks: list[int] | None = None,
) -> Term:
    require(can.can_manage_school(actor, school.pk))
    term_dates_check(start_date, end_date)
    overlapping = Term.objects.filter(school=school, start_date__lte=end_date, end_date__gte=start_date)
    if overlapping.exists():
        raise ValidationError(f"与已有学期「{overlapping.first()}」的日期重叠。")
    year = school_year_get_or_create(actor=actor, school=school, start_year=start_year)
    term = Term(
        school=school,
        school_year=year,
        number=number,
        start_date=start_date,
        end_date=end_date,
        holiday_weeks=sorted(set(holiday_weeks or [])),
    )
    term.full_clean()
    term.save()
    return term


def term_update(*, actor: Scope, term: Term, start_date: dt.date, end_date: dt.date, holiday_weeks: list[int]) -> Term:
    require(can.can_manage_school(actor, term.school_id))
    term_dates_check(start_date, end_date)
    if Term.objects.filter(school_id=term.school_id, start_date__lte=end_date, end_date__gte=start_date).exclude(pk=term.pk).exists():
        raise ValidationError("与已有学期的日期重叠。")
    term.start_date, term.end_date = start_date, end_date
    term.holiday_weeks = sorted({w for w in holiday_weeks if 1 <= w <= 30})
    term.save()
    return term


@transaction.atomic
def group_create(
    *, actor: Scope, school: School, kind: str, name: str, parent: Group | None = None, subject: str = "", grade: int | None = None
) -> Group:
    require(can.can_manage_school(actor, school.pk))
    group_shape_check(school_id=school.pk, kind=kind, name=name, parent=parent)
    group = Group(school=school, kind=kind, name=name, parent=parent, subject=subject or (parent.subject if parent else ""), grade=grade)
    group.full_clean()
    group.save()
    return group


def group_shape_check(*, school_id: int, kind: str, name: str, parent: Group | None, group_id: int | None = None) -> None:
    """A 备课组 hangs under one of the school's 教研组; names are unique in a school."""
    if parent is not None and (parent.school_id != school_id or parent.kind != "subject" or parent.pk == group_id):
        raise ValidationError({"parent": "备课组只能隶属于本校的教研组。"})
    if kind == "prep" and parent is None:
        raise ValidationError({"parent": "备课组须选择所属教研组。"})
    name = name.strip()
    same = Group.objects.filter(school_id=school_id, name=name)
    if group_id is not None:
        same = same.exclude(pk=group_id)
    if name and same.exists():
        raise ValidationError({"name": f"本校已有名为「{name}」的小组。"})


@transaction.atomic
def group_set_members(
    *, actor: Scope, group: Group, leader_ids: list[int], member_ids: list[int], deputy_ids: list[int] | None = None
) -> None:
    """Set who leads and who belongs; only teachers of the group's school."""
    require(can.can_manage_school(actor, group.school_id))
    deputy_ids = deputy_ids or []
    group_roles_check(leader_ids=leader_ids, deputy_ids=deputy_ids)
    wanted = {tid: MemberRole.MEMBER for tid in member_ids}
    wanted.update({tid: MemberRole.DEPUTY for tid in deputy_ids})
    wanted.update({tid: MemberRole.LEADER for tid in leader_ids})
    valid = set(Teacher.objects.filter(school_id=group.school_id, id__in=wanted).values_list("id", flat=True))
    if valid != set(wanted):
        raise ValidationError("只能添加本校教师。")
    group.memberships.exclude(teacher_id__in=wanted).delete()
    existing = {m.teacher_id: m for m in group.memberships.all()}
    for tid, role in wanted.items():
        m = existing.get(tid)
        if m is None:
            GroupMembership.objects.create(group=group, teacher_id=tid, role=role)
        elif m.role != role:
            m.role = role
            m.save(update_fields=["role"])


def role_assign(
    *,
    actor: Scope,
    user: User,
    role: str,
    school: School | None = None,
    region: Region | None = None,
    subjects: str = "",
    title: str = "",
) -> RoleAssignment:
    require(can.can_assign_role(actor, role, school.pk if school else None))
    if role not in STORED_ROLES:
        raise ValidationError("该角色由系统自动判定，无需分配。")
    if role in ("principal", "school_admin") and school is None:
        raise ValidationError("学校角色须指定学校。")
    if role in ("researcher", "region_admin") and region is None:
        raise ValidationError("区域角色须指定区域。")
    return RoleAssignment.objects.update_or_create(
        user=user, role=role, school=school, region=region, defaults={"subjects": subjects, "title": title}
    )[0]


# ---- school admin pages (teacher status, password reset, group edits)


@transaction.atomic
def teacher_set_active(*, actor: Scope, teacher: Teacher, active: bool) -> Teacher:
    """停用 instead of delete: a teacher who leaves keeps every record; the account can no longer sign in."""
    require(can.can_manage_school(actor, teacher.school_id))
    if not active and teacher.user_id == actor.user_id:
        raise ValidationError("不能停用自己的账号。")
    teacher.is_active = active
    teacher.save(update_fields=["is_active", "updated_at"])
    teacher.user.is_active = active
    teacher.user.save(update_fields=["is_active"])
    return teacher


def temporary_password() -> str:
    """Readable (no 0/O, 1/l/I) and random: told to the teacher once, changed at first sign-in."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(10))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


@transaction.atomic
def teacher_password_reset(*, actor: Scope, teacher: Teacher) -> str:
    """Set a temporary password; the teacher must change it at the next sign-in."""
    require(can.can_manage_school(actor, teacher.school_id))
    password = temporary_password()
    teacher.user.set_password(password)
    teacher.user.must_change_password = True
    teacher.user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def group_update(
    *,
    actor: Scope,
    group: Group,
    kind: str,
    name: str,
    parent: Group | None = None,
    subject: str = "",
    grade: int | None = None,
    is_active: bool = True,
) -> Group:
    require(can.can_manage_school(actor, group.school_id))
    group_shape_check(school_id=group.school_id, kind=kind, name=name, parent=parent, group_id=group.pk)
    group.kind, group.name, group.parent = kind, name, parent if kind == "prep" else None
    group.subject = subject or (parent.subject if parent else "")
    group.grade, group.is_active = grade, is_active
    group.full_clean()
    group.save()
    return group


def honours_replace(*, actor: Scope, teacher: Teacher, honours: list[tuple[str, str, str, int | None]]) -> None:
    """Replace a teacher's honours with [(level, kind, name of an 其他荣誉 or "", year or None), …]."""
    require(can.can_manage_school(actor, teacher.school_id))
    teacher.honours.all().delete()
    TeacherHonour.objects.bulk_create([TeacherHonour(teacher=teacher, level=lv, kind=k, name=n, year=y) for lv, k, n, y in honours])


@transaction.atomic
def calendar_day_set(
    *, actor: Scope, school: School, date: dt.date, kind: str, name: str = "", follows_weekday: int | None = None
) -> CalendarDay:
    """Add or change one day of the school calendar (over the national default)."""
    require(can.can_manage_school(actor, school.pk))
    if kind not in dict(CalendarDay.KIND_CHOICES):
        raise ValidationError("未知的校历类型。")
    if kind == "workday" and date.weekday() < 5:
        raise ValidationError(f"{date:%Y-%m-%d} 是工作日，不需要设为调休上班。")
    if kind != "workday":
        follows_weekday = None
    require_lengths([("名称", name.strip(), 40)])
    day, _ = CalendarDay.objects.update_or_create(
        school=school, date=date, defaults={"kind": kind, "name": name.strip(), "follows_weekday": follows_weekday}
    )
    day.full_clean()
    return day


@transaction.atomic
def calendar_day_delete(*, actor: Scope, day: CalendarDay) -> None:
    """Back to the national default for that date."""
    require(can.can_manage_school(actor, day.school_id))
    day.delete()
