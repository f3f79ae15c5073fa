"""语文组每周五第3节集体备课: the term's activities from one weekly slot."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaoben.activities import schedule
from xiaoben.activities.models import Activity, Attendance
from xiaoben.activities.services_slots import slot_create, slot_generate
from xiaoben.core.scope import scope_for


def _slot(world, **kw):
    data = {
        "actor": scope_for(world.users["leader"]),
        "school": world.school,
        "term": world.term,
        "group": world.chinese,
        "kind": "lesson_prep",
        "title": "集体备课",
        "weekday": 4,
        "period": 3,
        "place": "电教室",
        "host": world.leader,
        "recorder": world.mentor,
        "start": world.term.start_date,
    }
    data.update(kw)
    return slot_create(**data)


def test_slot_skips_holiday_weeks_and_stays_in_term(world):
    term = world.term  # 2026-09-01 (Tue) – 2027-01-22 (Fri), week 5 is a holiday
    slot, made = _slot(world)
    days = [timezone.localtime(a.starts_at).date() for a in made]
    weeks = [term.week_of(d) for d in days]
    assert 5 not in weeks
    assert all(term.start_date <= d <= term.end_date for d in days)
    # school calendar: not on 元旦; the 国庆 调休 Saturday (10 October) follows Friday's timetable
    assert all(d.weekday() == 4 or d == dt.date(2026, 10, 10) for d in days)
    assert dt.date(2027, 1, 1) not in days and dt.date(2026, 10, 10) in days
    assert days[0] == dt.date(2026, 9, 4) and days[-1] == dt.date(2027, 1, 22)
    assert len(made) == term.week_count - 2  # 21 weeks − 第5周 − 中秋(9月25日) − 元旦(1月1日) + 调休(10月10日)
    first = timezone.localtime(made[0].starts_at)
    assert (first.hour, first.minute) == (10, 0)  # 第3节 of the default timetable
    assert all(a.status == "published" and a.slot_id == slot.pk for a in made)


def test_slot_respects_start_of_term_on_a_weekday_before_it(world):
    # Monday slot: term starts on a Tuesday, so week 1 has no Monday inside the term.
    _, made = _slot(world, weekday=0)
    first = timezone.localtime(made[0].starts_at).date()
    assert first == dt.date(2026, 9, 7)


def test_slot_from_today_and_idempotent_regeneration(world):
    slot, made = _slot(world, start=world.today)
    assert timezone.localtime(made[0].starts_at).date() == dt.date(2026, 11, 20)
    assert slot_generate(actor=scope_for(world.users["leader"]), slot=slot, start=world.today) == []
    assert Activity.objects.filter(slot=slot).count() == len(made)


def test_slot_uses_school_timetable(world):
    world.school.settings = {"periods": {"3": ["09:55", "10:35"]}}
    world.school.save()
    _, made = _slot(world, start=world.today)
    s = timezone.localtime(made[0].starts_at)
    assert (s.hour, s.minute) == (9, 55)
    with pytest.raises(ValidationError):
        _slot(world, period=7, start=world.today)


def test_slot_invites_members_with_roles(world):
    _, made = _slot(world, start=world.today)
    roles = dict(Attendance.objects.filter(activity=made[0]).values_list("teacher_id", "role"))
    assert roles[world.leader.pk] == "host" and roles[world.mentor.pk] == "recorder" and roles[world.teacher.pk] == "participant"


def test_slot_needs_four_fixed_to_publish(world):
    with pytest.raises(ValidationError, match="地点"):
        _slot(world, place="")
    assert not Activity.objects.exists()
    _, made = _slot(world, place="", publish=False, start=world.today)
    assert made and all(a.status == "planned" for a in made)


def test_generated_activity_can_be_edited_alone(world):
    from xiaoben.activities import services

    _, made = _slot(world, start=world.today)
    a = Activity.objects.get(pk=made[1].pk)
    services.activity_update(
        actor=scope_for(world.users["leader"]),
        activity=a,
        expected_version=a.version,
        place="三(2)班教室",
        title="《富饶的西沙群岛》集体备课",
    )
    a.refresh_from_db()
    assert a.place == "三(2)班教室"
    assert Activity.objects.filter(slot=a.slot, place="电教室").count() == len(made) - 1


def test_slot_dates_helper_honours_bounds(world):
    term = world.term
    dates = schedule.slot_dates(term, 4, start=dt.date(2027, 1, 10))
    assert [d for _, d in dates] == [dt.date(2027, 1, 15), dt.date(2027, 1, 22)]


def test_same_slot_twice_is_refused(world):
    _slot(world, start=world.today)
    with pytest.raises(ValidationError, match="已经排过"):
        _slot(world, start=world.today)
