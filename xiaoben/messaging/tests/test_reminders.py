"""Scheduled reminders: due at the right time, sent once however often the tick runs."""

import datetime as dt

import time_machine
from django.core.management import call_command

from xiaoben.activities.tests.factories import TZ, make_activity
from xiaoben.core.models import Notification
from xiaoben.core.scope import scope_for
from xiaoben.messaging.scheduled import run_tick


def _kinds(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind)


def test_evening_before_reminds_participants_once(world):
    make_activity(world, start=dt.datetime(2026, 11, 19, 15, 15, tzinfo=TZ), title="三年级语文集体备课")
    with time_machine.travel("2026-11-18 17:00:00+08:00", tick=False):
        run_tick(only=["activities.tomorrow"])
    assert not _kinds(world.users["teacher"], "activities.tomorrow").exists()  # too early
    with time_machine.travel("2026-11-18 18:05:00+08:00", tick=False):
        run_tick(only=["activities.tomorrow"])
        run_tick(only=["activities.tomorrow"])
    [n] = _kinds(world.users["teacher"], "activities.tomorrow")
    assert "15:15" in n.text and "三年级语文集体备课" in n.text and "电教室" in n.text
    assert n.url.startswith("/activities/")


def test_cancelled_or_other_days_are_not_reminded(world):
    from xiaoben.activities import services

    a = make_activity(world, start=dt.datetime(2026, 11, 19, 15, 15, tzinfo=TZ))
    services.activity_cancel(activity=a, actor=scope_for(world.users["leader"]), reason="停课")
    make_activity(world, start=dt.datetime(2026, 11, 20, 15, 15, tzinfo=TZ))
    with time_machine.travel("2026-11-18 19:00:00+08:00", tick=False):
        run_tick(only=["activities.tomorrow"])
    assert not Notification.objects.filter(kind="activities.tomorrow").exists()


def test_host_gets_sign_in_link_30_minutes_before(world):
    a = make_activity(world, start=dt.datetime(2026, 11, 18, 15, 15, tzinfo=TZ))
    with time_machine.travel("2026-11-18 14:30:00+08:00", tick=False):
        run_tick(only=["activities.starting_soon"])
    assert not _kinds(world.users["leader"], "activities.starting_soon").exists()
    with time_machine.travel("2026-11-18 14:50:00+08:00", tick=False):
        run_tick(only=["activities.starting_soon"])
        run_tick(only=["activities.starting_soon"])
    [n] = _kinds(world.users["leader"], "activities.starting_soon")
    assert n.url == f"/activities/{a.pk}/host/"
    assert not _kinds(world.users["teacher"], "activities.starting_soon").exists()


def test_claims_waiting_reach_school_approvers_each_morning(world):
    from xiaoben.hours.models import TrainingClaim

    TrainingClaim.objects.create(
        school=world.school,
        teacher=world.teacher,
        kind="online",
        title="国培",
        organiser="省教育厅",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 2),
        hours=10,
        category="online",
        status="pending",
        step="school",
    )
    with time_machine.travel("2026-11-19 08:10:00+08:00", tick=False):
        call_command("send_notices", "--only", "hours.claims_waiting")
        call_command("send_notices", "--only", "hours.claims_waiting")
    [n] = _kinds(world.users["dean"], "hours.claims_waiting")
    assert "1 条" in n.text
    assert not Notification.objects.filter(kind="hours.claims_waiting", recipient=world.users["other_teacher"]).exists()


def test_weekly_digest_for_group_leaders_on_monday(world):
    """With the starter requirements and no records, the 语文组's members are behind by week 13."""
    from xiaoben.requirements import services as req

    req.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    with time_machine.travel("2026-11-22 08:30:00+08:00", tick=False):  # a Sunday: not yet
        run_tick(only=["requirements.weekly_behind"])
    assert not Notification.objects.filter(kind="requirements.weekly_behind").exists()
    with time_machine.travel("2026-11-23 08:30:00+08:00", tick=False):  # Monday
        run_tick(only=["requirements.weekly_behind"])
        run_tick(only=["requirements.weekly_behind"])
    [n] = _kinds(world.users["leader"], "requirements.weekly_behind")
    assert "语文组" in n.text and world.teacher.name in n.text
    assert world.colleague.name not in n.text  # 数学组, not the 语文组's business
    assert not Notification.objects.filter(kind="requirements.weekly_behind", recipient=world.users["teacher"]).exists()


def test_mentoring_report_due_reminds_the_pair_once(world):
    from xiaoben.mentoring.tests.factories import pair_for

    pair = pair_for(world)
    with time_machine.travel("2026-11-18 09:00:00+08:00", tick=False):
        run_tick(only=["mentoring.report_due"])
        run_tick(only=["mentoring.report_due"])
    [n] = _kinds(world.users["teacher"], "mentoring.report_due")
    assert "9月" in n.text and "10月" in n.text
    assert _kinds(world.users["mentor"], "mentoring.report_due").count() == 1
    assert n.url == f"/mentoring/{pair.pk}/"


def test_group_robot_leaves_out_teachers_who_asked(world, settings, django_capture_on_commit_callbacks):
    from xiaoben.core.scope import build_scope
    from xiaoben.messaging import services
    from xiaoben.requirements import services as req

    from .fake_robot import FakeRobot

    req.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    services.channel_settings_save(
        actor=build_scope(world.users["teacher"]), email_kinds=[], digest="off", muted_robot_kinds=["requirements.weekly_behind"]
    )
    with FakeRobot() as fake:
        settings.ROBOT_EXTRA_URL_PREFIXES = (fake.base,)
        services.robot_save(
            actor=build_scope(world.users["leader"]),
            kind="wecom",
            name="语文组群",
            url=f"{fake.base}/send",
            kinds=["requirements.weekly_behind"],
            group_id=world.chinese.pk,
        )
        with time_machine.travel("2026-11-23 08:30:00+08:00", tick=False), django_capture_on_commit_callbacks(execute=True):
            run_tick(only=["requirements.weekly_behind"])
        [post] = fake.requests
    text = post["json"]["markdown"]["content"]
    assert "语文组" in text and world.teacher.name not in text and "等" in text
    [n] = _kinds(world.users["leader"], "requirements.weekly_behind")
    assert world.teacher.name in n.text  # the leader's own notice still names everyone


def test_teacher_gets_the_evening_reminder_in_the_next_daily_digest(world, django_capture_on_commit_callbacks):
    """The Done walk: a teacher asks for reminders by e-mail as a daily digest; cron runs
    `send_notices` (here `--at` a local time); the evening reminder waits and leaves with the
    morning digest, linking to the activity."""
    from django.core import mail

    from xiaoben.core.scope import build_scope
    from xiaoben.messaging import services

    teacher = world.users["teacher"]
    services.channel_settings_save(
        actor=build_scope(teacher), email_kinds=["activities.tomorrow"], digest="daily", email="cai@school.example"
    )
    make_activity(world, start=dt.datetime(2026, 11, 19, 15, 15, tzinfo=TZ), title="三年级语文集体备课")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notices", "--at", "2026-11-18 18:30", "--only", "activities.tomorrow")
    assert _kinds(teacher, "activities.tomorrow").exists() and mail.outbox == []  # held for the digest
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notices", "--at", "2026-11-18 21:00", "--only", "activities.tomorrow")
    assert mail.outbox == []  # the evening's notice waits for the morning, it does not leave alone
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_notices", "--at", "2026-11-19 07:10", "--only", "activities.tomorrow")
    [m] = mail.outbox
    assert m.to == ["cai@school.example"] and "1条" in m.subject
    assert "三年级语文集体备课" in m.body and "/messaging/n/" in m.body
