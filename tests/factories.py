"""Records built directly with the CONTRACT fields of the other apps' models."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from xiaoben.activities.models import Activity, Attendance
from xiaoben.hours.models import HourEntry
from xiaoben.mentoring.models import Mentorship
from xiaoben.observations.models import Observation
from xiaoben.org.models import Teacher
from xiaoben.writings.models import Writing

BEIJING = ZoneInfo("Asia/Shanghai")
_n = itertools.count(1)


def observation(observer, teacher, day: dt.date, *, term, kind="regular", status="submitted", title="") -> Observation:
    return Observation.objects.create(
        school_id=observer.school_id,
        term=term,
        observer=observer,
        teacher=teacher,
        lesson_date=day,
        kind=kind,
        status=status,
        lesson_title=title or f"第{next(_n)}课",
    )


def writing(author, kind: str, day: dt.date, *, term, chars=300, status="submitted") -> Writing:
    return Writing.objects.create(
        school_id=author.school_id,
        term=term,
        author=author,
        kind=kind,
        title=f"文章{next(_n)}",
        char_count=chars,
        written_on=day,
        status=status,
    )


def activity(school, kind: str, day: dt.date, *, term=None, host=None, group=None, status="held", lesson_kind="", hour=14) -> Activity:
    return Activity.objects.create(
        school=school,
        term=term,
        group=group,
        kind=kind,
        lesson_kind=lesson_kind,
        title=f"活动{next(_n)}",
        starts_at=dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=BEIJING),
        host=host,
        status=status,
    )


def attend(act, teacher, *, role="participant", status="present") -> Attendance:
    return Attendance.objects.create(activity=act, teacher=teacher, role=role, status=status)


def hours(teacher, day: dt.date, amount, *, category="school") -> HourEntry:
    return HourEntry.objects.create(
        school_id=teacher.school_id, teacher=teacher, date=day, hours=Decimal(str(amount)), category=category, source="manual"
    )


def mentorship(mentor, mentee, school_year, *, active=True) -> Mentorship:
    return Mentorship.objects.create(
        school_id=mentor.school_id, school_year=school_year, mentor=mentor, mentee=mentee, start_date=dt.date(2026, 9, 1), is_active=active
    )


def bulk_teachers(school, n: int, *, prefix="B", since=dt.date(2010, 9, 1)) -> list[Teacher]:
    """n teachers in two bulk inserts (a precomputed password hash, as org/demo.py does)."""
    User = get_user_model()
    users = [User(username=f"{school.code}-{prefix}{i:04d}", full_name=f"教师{i}", password="!unusable") for i in range(n)]
    User.objects.bulk_create(users)
    users = list(User.objects.filter(username__startswith=f"{school.code}-{prefix}").order_by("username"))
    rows = [
        Teacher(user=u, school=school, staff_no=f"{prefix}{i:04d}", name=f"教师{i}", gender="F", teaching_since=since)
        for i, u in enumerate(users)
    ]
    return Teacher.objects.bulk_create(rows)
