"""A whole sign-in sheet at once (`attendance_record_many`): the rules of the single services,
set-wise, and the same side effects (学时 credited once when the activity is recorded)."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from xiaoben.activities import services
from xiaoben.activities.models import Attendance
from xiaoben.activities.services_bulk import AttendanceRow, attendance_record_many
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.models import HourEntry

from .factories import TZ, make_activity

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def sheet(world):
    return [
        AttendanceRow(teacher_id=world.leader.pk, role="host", status="present", signed_in_at=T0 - dt.timedelta(minutes=3)),
        AttendanceRow(teacher_id=world.mentor.pk, role="recorder", status="present", signed_in_at=T0),
        AttendanceRow(teacher_id=world.teacher.pk, status="leave"),
    ]


def test_refuses_a_foreign_actor(world):
    a = make_activity(world, start=T0)
    for persona in ("other_teacher", "colleague"):  # another school's teacher; a teacher who does not run it
        with pytest.raises(NotPermitted):
            attendance_record_many(actor=scope_for(world.users[persona]), activity=a, rows=sheet(world))
    assert not Attendance.objects.filter(activity=a, status="present").exists()


def test_a_bad_line_refuses_the_sheet_and_saves_nothing(world):
    a = make_activity(world, start=T0)
    before = list(Attendance.objects.filter(activity=a).values_list("teacher_id", "status").order_by("teacher_id"))
    bad = [
        *sheet(world),
        AttendanceRow(teacher_id=world.other_teacher.pk, status="present", signed_in_at=T0),  # not of this school
    ]
    with pytest.raises(ValidationError, match="不在这次活动的参加范围内"):
        attendance_record_many(actor=SYSTEM, activity=a, rows=bad)
    late = [AttendanceRow(teacher_id=world.teacher.pk, status="present", signed_in_at=T0 + dt.timedelta(hours=3))]
    with pytest.raises(ValidationError, match="签到时间不在签到时间内"):
        attendance_record_many(actor=SYSTEM, activity=a, rows=late)
    with pytest.raises(ValidationError, match="补签须填写原因"):
        attendance_record_many(actor=SYSTEM, activity=a, rows=[AttendanceRow(teacher_id=world.teacher.pk, status="present")])
    assert list(Attendance.objects.filter(activity=a).values_list("teacher_id", "status").order_by("teacher_id")) == before


def test_not_before_the_activity_starts(world):
    a = make_activity(world, start=T0 + dt.timedelta(days=2))
    with pytest.raises(ValidationError, match="活动还没有开始"):
        attendance_record_many(actor=SYSTEM, activity=a, rows=sheet(world))


def test_same_side_effects_as_the_single_services(world):
    """The sheet, then the minutes and 已记录: each present teacher is credited once, by role,
    like a scan and `activity_record` would; entering the sheet again credits nothing twice."""
    a = make_activity(world, start=T0)
    host = scope_for(world.users["leader"])
    with time_machine.travel(T0 + dt.timedelta(minutes=30), tick=False):
        atts = attendance_record_many(actor=host, activity=a, rows=sheet(world))
        assert {x.teacher_id: (x.status, x.method) for x in atts} == {
            world.leader.pk: ("present", "scan"),
            world.mentor.pk: ("present", "scan"),
            world.teacher.pk: ("leave", "leave"),
        }
        services.minutes_save(activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", expected_version=0, finish=True)
    credited = dict(HourEntry.objects.filter(activity=a).values_list("teacher_id", "hours"))
    assert credited == {world.leader.pk: Decimal(3), world.mentor.pk: Decimal(2)}
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):  # recorded: the sheet entered again
        attendance_record_many(actor=host, activity=a, rows=sheet(world))
    assert HourEntry.objects.filter(activity=a).count() == 2
    # a line taken off the ledger's reach (leave instead of present) loses its credit, as with attendance_set
    with time_machine.travel(T0 + dt.timedelta(hours=1), tick=False):
        attendance_record_many(actor=host, activity=a, rows=[AttendanceRow(teacher_id=world.mentor.pk, role="recorder", status="leave")])
    assert dict(HourEntry.objects.filter(activity=a).values_list("teacher_id", "hours")) == {world.leader.pk: Decimal(3)}
