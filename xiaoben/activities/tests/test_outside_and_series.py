"""外出学习汇报 owed within N weeks, and lesson-study rounds in order."""

import datetime as dt

from django.urls import reverse

from xiaoben.activities import selectors, services, services_prep
from xiaoben.activities.models import Attendance
from xiaoben.core.scope import SYSTEM, scope_for

from .factories import TZ, make_activity


def _trip(world, day):
    a = make_activity(
        world,
        kind="outside",
        title="省“新课堂”观摩学习",
        start=dt.datetime.combine(day, dt.time(8, 30), tzinfo=TZ),
        minutes=480,
        place="杭州",
    )
    services.activity_invite(actor=scope_for(world.users["leader"]), activity=a, group_ids=[], teacher_ids=[world.teacher.pk])
    return a


def test_outside_report_owed_then_late_then_done(world, client_for):
    trip = _trip(world, dt.date(2026, 11, 2))  # back 11-02, due 11-16 (2 weeks): late on 11-18
    owed = selectors.outside_reports_owed(teacher_id=world.teacher.pk)
    assert len(owed) == 1 and owed[0]["late"] and owed[0]["due"] == dt.date(2026, 11, 16)
    body = client_for("dean").get("/").content.decode()
    assert "逾期的外出学习汇报" in body and world.teacher.name in body
    assert world.teacher.name in client_for("dean").get(reverse("activities:outside_reports")).content.decode()
    assert "外出学习" in client_for("teacher").get("/").content.decode()
    make_activity(
        world,
        kind="lecture",
        title="外出学习汇报：新课堂观摩",
        host=world.teacher,
        report_for=trip,
        start=dt.datetime(2026, 11, 20, 15, 15, tzinfo=TZ),
    )
    assert selectors.outside_reports_owed(teacher_id=world.teacher.pk) == []


def test_outside_report_window_is_a_setting(world):
    world.school.settings = {"outside_report_weeks": 4}
    world.school.save()
    _trip(world, dt.date(2026, 11, 2))
    owed = selectors.outside_reports_owed(school_id=world.school.pk)
    teacher_rows = [r for r in owed if r["teacher"].pk == world.teacher.pk]
    assert teacher_rows[0]["due"] == dt.date(2026, 11, 30) and not teacher_rows[0]["late"]


def test_leave_means_no_report_owed(world):
    trip = _trip(world, dt.date(2026, 11, 2))
    services.attendance_set(
        actor=scope_for(world.users["dean"]),
        reason="补签测试",
        attendance=Attendance.objects.get(activity=trip, teacher=world.teacher),
        status="leave",
    )
    assert selectors.outside_reports_owed(teacher_id=world.teacher.pk) == []


def test_series_rounds_in_order(world):
    s = services_prep.series_create(actor=SYSTEM, school=world.school, term=world.term, kind="multi_round", title="《秋天的雨》")
    r2 = make_activity(world, kind="open_lesson", title="第二次试教", host=world.teacher, start=dt.datetime(2026, 11, 12, 14, tzinfo=TZ))
    r1 = make_activity(world, kind="open_lesson", title="第一次试教", host=world.teacher, start=dt.datetime(2026, 11, 5, 14, tzinfo=TZ))
    services_prep.round_add(actor=SYSTEM, series=s, activity=r1)
    services_prep.round_add(actor=SYSTEM, series=s, activity=r2, note="调整了导入环节")
    assert list(selectors.series_rounds(s)) == [r1, r2]
    assert [r.teacher_id for r in s.rounds.all()] == [world.teacher.pk, world.teacher.pk]
