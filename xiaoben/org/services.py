"""Writes about places and people. Each is one transaction."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from pypinyin import Style, lazy_pinyin

from xiaoben.core.concurrency import ConflictError
from xiaoben.core.models import User
from xiaoben.core.scope import Scope
from xiaoben.core.validation import require_lengths

from .choices import STORED_ROLES, MemberRole
from .models import CalendarDay, Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Teacher, TeacherHonour, Term


def name_initials(name: str) -> str:
    """张晓明 -> zxm, for picking a colleague by pinyin initials."""
    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()[:20]


def username_for(school: School, staff_no: str) -> str:
    return f"{school.code}-{staff_no}"


@transaction.atomic
def teacher_create(
    *,
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
@transaction.atomic
def teacher_update(*, teacher: Teacher, expected_version: int | None, phone: str | None = None, **fields: Any) -> Teacher:
    """Edit a teacher's profile. The editor's copy carries the version it was loaded with: a
    second editor saving an older copy is told, instead of overwriting the first (issue #12)."""
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


def honours_set(*, teacher: Teacher, honours: list[tuple[str, str]]) -> None:
    """Replace a teacher's honours with [(level, kind), …]."""
    teacher.honours.all().delete()
    TeacherHonour.objects.bulk_create([TeacherHonour(teacher=teacher, level=lv, kind=k) for lv, k in set(honours)])


def school_year_get_or_create(*, school: School, start_year: int) -> SchoolYear:
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
    *, school: School, start_year: int, number: int, start_date: dt.date, end_date: dt.date, holiday_weeks: list[int] | None = None
) -> Term:
    term_dates_check(start_date, end_date)
    overlapping = Term.objects.filter(school=school, start_date__lte=end_date, end_date__gte=start_date)
    if overlapping.exists():
        raise ValidationError(f"与已有学期「{overlapping.first()}」的日期重叠。")
    year = school_year_get_or_create(school=school, start_year=start_year)
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


def term_update(*, term: Term, start_date: dt.date, end_date: dt.date, holiday_weeks: list[int]) -> Term:
    term_dates_check(start_date, end_date)
    if Term.objects.filter(school_id=term.school_id, start_date__lte=end_date, end_date__gte=start_date).exclude(pk=term.pk).exists():
        raise ValidationError("与已有学期的日期重叠。")
    term.start_date, term.end_date = start_date, end_date
    term.holiday_weeks = sorted({w for w in holiday_weeks if 1 <= w <= 30})
    term.save()
    return term


@transaction.atomic
def group_create(
    *, school: School, kind: str, name: str, parent: Group | None = None, subject: str = "", grade: int | None = None
) -> Group:
    if parent is not None and (parent.school_id != school.pk or parent.kind != "subject"):
        raise ValidationError("备课组只能隶属于本校的教研组。")
    if kind == "prep" and parent is None:
        raise ValidationError("备课组须选择所属教研组。")
    group = Group(school=school, kind=kind, name=name, parent=parent, subject=subject or (parent.subject if parent else ""), grade=grade)
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def group_set_members(*, group: Group, leader_ids: list[int], member_ids: list[int], deputy_ids: list[int] | None = None) -> None:
    """Set who leads and who belongs; only teachers of the group's school."""
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
    *, user: User, role: str, school: School | None = None, region: Region | None = None, subjects: str = "", title: str = ""
) -> RoleAssignment:
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
def teacher_set_active(*, teacher: Teacher, active: bool) -> Teacher:
    """停用 instead of delete: a teacher who leaves keeps every record; the account can no longer sign in."""
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
def teacher_password_reset(*, teacher: Teacher) -> str:
    """Set a temporary password; the teacher must change it at the next sign-in."""
    password = temporary_password()
    teacher.user.set_password(password)
    teacher.user.must_change_password = True
    teacher.user.save(update_fields=["password", "must_change_password"])
    return password


@transaction.atomic
def group_update(
    *, group: Group, kind: str, name: str, parent: Group | None = None, subject: str = "", grade: int | None = None, is_active: bool = True
) -> Group:
    if parent is not None and (parent.school_id != group.school_id or parent.kind != "subject" or parent.pk == group.pk):
        raise ValidationError("备课组只能隶属于本校的教研组。")
    if kind == "prep" and parent is None:
        raise ValidationError("备课组须选择所属教研组。")
    if Group.objects.filter(school_id=group.school_id, name=name).exclude(pk=group.pk).exists():
        raise ValidationError(f"本校已有名为「{name}」的小组。")
    group.kind, group.name, group.parent = kind, name, parent if kind == "prep" else None
    group.subject = subject or (parent.subject if parent else "")
    group.grade, group.is_active = grade, is_active
    group.full_clean()
    group.save()
    return group


def honours_replace(*, teacher: Teacher, honours: list[tuple[str, str, str, int | None]]) -> None:
    """Replace a teacher's honours with [(level, kind, name of an 其他荣誉 or "", year or None), …]."""
    teacher.honours.all().delete()
    TeacherHonour.objects.bulk_create([TeacherHonour(teacher=teacher, level=lv, kind=k, name=n, year=y) for lv, k, n, y in honours])


@transaction.atomic
def calendar_day_set(
    *, actor: Scope, school: School, date: dt.date, kind: str, name: str = "", follows_weekday: int | None = None
) -> CalendarDay:
    """Add or change one day of the school calendar (over the national default)."""
    from xiaoben.core.errors import NotPermitted

    if not actor.admin_of(school.pk):
        raise NotPermitted()
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
    from xiaoben.core.errors import NotPermitted

    if not actor.admin_of(day.school_id):
        raise NotPermitted()
    day.delete()
