"""Rotating QR codes: a token lives for its 30-second slot and the next one, no longer."""

import datetime as dt

import time_machine
from django.urls import reverse

from xiaoben.activities import signin
from xiaoben.activities.models import Attendance

from .factories import TZ, make_activity

T0 = dt.datetime(2026, 11, 18, 10, 0, 0, tzinfo=TZ)  # a slot boundary (epoch seconds divisible by 30)


def test_token_rotates_and_expires(world):
    with time_machine.travel(T0 + dt.timedelta(seconds=1), tick=False):
        token = signin.token_for(42)
        assert signin.token_valid(42, token)
        assert not signin.token_valid(43, token)
        assert not signin.token_valid(42, "0" * 20)
    with time_machine.travel(T0 + dt.timedelta(seconds=29), tick=False):
        assert signin.token_for(42) == token and signin.token_valid(42, token)
    with time_machine.travel(T0 + dt.timedelta(seconds=45), tick=False):
        assert signin.token_for(42) != token
        assert signin.token_valid(42, token)  # previous slot still accepted
    with time_machine.travel(T0 + dt.timedelta(seconds=61), tick=False):
        assert not signin.token_valid(42, token)


def test_scan_then_confirm_signs_in(world, client_for):
    a = make_activity(world, start=T0)
    token = signin.token_for(a.pk)
    c = client_for("teacher")
    r = c.get(reverse("activities:checkin_token", args=[a.pk, token]))
    assert r.status_code == 302 and r.url == reverse("activities:checkin", args=[a.pk])
    assert c.post(reverse("activities:checkin", args=[a.pk])).status_code == 302
    att = Attendance.objects.get(activity=a, teacher=world.teacher)
    assert att.status == "present" and att.signed_in_at is not None


def test_expired_code_is_refused(world, client_for):
    a = make_activity(world, start=T0)
    token = signin.token_for(a.pk)
    c = client_for("teacher")
    with time_machine.travel(dt.datetime.now(tz=TZ) + dt.timedelta(seconds=90), tick=False):
        r = c.get(reverse("activities:checkin_token", args=[a.pk, token]))
        assert r.status_code == 410
        c.post(reverse("activities:checkin", args=[a.pk]))
    assert Attendance.objects.get(activity=a, teacher=world.teacher).status == "invited"


def test_no_sign_in_without_scanning(world, client_for):
    a = make_activity(world, start=T0)
    client_for("teacher").post(reverse("activities:checkin", args=[a.pk]))
    assert Attendance.objects.get(activity=a, teacher=world.teacher).status == "invited"


def test_anonymous_scan_keeps_grant_through_login(world, client):
    a = make_activity(world, start=T0)
    r = client.get(reverse("activities:checkin_token", args=[a.pk, signin.token_for(a.pk)]))
    assert r.status_code == 302
    r = client.get(r.url)
    assert r.status_code == 302 and "/accounts/login/" in r.url
    client.force_login(world.users["teacher"])
    client.post(reverse("activities:checkin", args=[a.pk]))
    assert Attendance.objects.get(activity=a, teacher=world.teacher).status == "present"


def test_sign_in_only_inside_window(world, client_for):
    a = make_activity(world, start=T0 + dt.timedelta(hours=3))  # 13:00, window opens 12:30
    c = client_for("teacher")
    c.get(reverse("activities:checkin_token", args=[a.pk, signin.token_for(a.pk)]))
    r = c.post(reverse("activities:checkin", args=[a.pk]), follow=True)
    assert "不在签到时间内" in r.content.decode()
    assert Attendance.objects.get(activity=a, teacher=world.teacher).status == "invited"


def test_other_school_cannot_sign_in(world, client_for):
    a = make_activity(world, start=T0)
    c = client_for("other_teacher")
    c.get(reverse("activities:checkin_token", args=[a.pk, signin.token_for(a.pk)]))
    assert c.post(reverse("activities:checkin", args=[a.pk])).status_code == 404
    assert not Attendance.objects.filter(activity=a, teacher=world.other_teacher).exists()


def test_walk_in_colleague_is_added(world, client_for):
    a = make_activity(world, start=T0)
    c = client_for("colleague")
    c.get(reverse("activities:checkin_token", args=[a.pk, signin.token_for(a.pk)]))
    c.post(reverse("activities:checkin", args=[a.pk]))
    assert Attendance.objects.get(activity=a, teacher=world.colleague).status == "present"


def test_host_screen_shows_svg_qr(world, client_for):
    a = make_activity(world, start=T0)
    r = client_for("leader").get(reverse("activities:host_screen", args=[a.pk]))
    body = r.content.decode()
    assert r.status_code == 200 and "<svg" in body and signin.token_for(a.pk) in body
    assert client_for("teacher").get(reverse("activities:host_screen", args=[a.pk])).status_code == 404
    assert client_for("mentor").get(reverse("activities:host_qr", args=[a.pk])).status_code == 200  # the recorder
