"""On a 390×844 phone: a 教研组长 schedules the Friday 集体备课 for the term, a teacher
signs in by opening the host's QR link, the recorder writes minutes, hours are credited."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from xiaoben.activities import services
from xiaoben.activities.models import Activity, ActivityMinutes, Attendance
from xiaoben.core.scope import scope_for
from xiaoben.core.testing_browser import phone_context, shot
from xiaoben.hours.models import HourEntry
from xiaoben.org.testing import PASSWORD

from .factories import TZ

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser):
    return phone_context(browser).new_page()


def _sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_schedule_sign_in_and_minutes_on_phone(live_server, world, browser):
    base = live_server.url
    leader = _phone(browser)
    _sign_in(leader, base, world.leader.user.username)
    leader.goto(f"{base}/activities/slots/new/")
    leader.select_option("select[name=group]", str(world.chinese.pk))
    leader.select_option("select[name=weekday]", "4")
    leader.select_option("select[name=period]", "3")
    leader.fill("input[name=place]", "电教室")
    leader.select_option("select[name=recorder]", str(world.mentor.pk))
    shot(leader, "activities_slot_form")
    with leader.expect_navigation():
        leader.tap("[data-testid=slot-submit]")
    shot(leader, "activities_slot_done")
    made = Activity.objects.filter(group=world.chinese, kind="lesson_prep", slot__isnull=False)
    assert made.count() == 9 and "共 9 次" in leader.content()  # 11月20日 … 1月22日, not 元旦 (1月1日)

    now = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
    a = services.activity_create(
        actor=scope_for(world.users["leader"]), school=world.school, term=world.term, group=world.chinese, kind="seminar",
        title="主题教研：低段识字教学", starts_at=now, ends_at=now + dt.timedelta(minutes=40), place="电教室",
        host=world.leader, recorder=world.teacher,
    )  # fmt: skip
    services.activity_publish(activity=a, actor=scope_for(world.users["leader"]))
    leader.goto(f"{base}/activities/{a.pk}/host/")
    assert leader.locator("[data-testid=qr] svg").count() == 1
    shot(leader, "activities_host_qr")
    url = leader.locator("[data-testid=signin-url]").get_attribute("href")

    teacher = _phone(browser)
    teacher.goto(url)  # the scan, before signing in
    teacher.fill("#id_username", world.teacher.user.username)
    teacher.fill("#id_password", PASSWORD)
    with teacher.expect_navigation():
        teacher.click("button[type=submit]")
    with teacher.expect_navigation():
        teacher.tap("[data-testid=confirm-signin]")
    shot(teacher, "activities_signed_in")
    assert teacher.locator("[data-testid=signed-in]").count() == 1
    assert Attendance.objects.get(activity=a, teacher=world.teacher).status == "present"

    teacher.goto(f"{base}/activities/{a.pk}/minutes/")
    teacher.locator("#editor .ql-editor").tap()
    teacher.keyboard.type("一、交流字理识字的做法。二、形成共识：每周一次识字游戏。")
    expect(teacher.locator("[data-testid=autosave-status]")).to_contain_text("自动保存", timeout=15000)
    assert "识字游戏" in ActivityMinutes.objects.get(activity=a).draft
    shot(teacher, "activities_minutes")
    with teacher.expect_navigation():
        teacher.tap("[data-testid=finish]")
    shot(teacher, "activities_recorded")
    a.refresh_from_db()
    assert a.status == "recorded"
    assert HourEntry.objects.get(activity=a, teacher=world.teacher).hours == 2
