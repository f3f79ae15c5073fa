"""A teacher signs in on a phone and opens the roster; an admin sees the same on a desktop."""

import pytest

from xiaoben.org.testing import PASSWORD

from .conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(world):
    return world


def test_teacher_signs_in_on_phone_and_opens_roster(live_server, people, phone_page):
    page = phone_page
    page.goto(live_server.url + "/")
    assert "/accounts/login/" in page.url
    assert page.locator("text=工号 / 手机号").is_visible()
    sign_in(page, live_server.url, people.mentor.staff_no, PASSWORD)
    assert page.locator("[data-testid=current-term]").inner_text() == "2026-2027学年第一学期"
    shot(page, "phone-home-teacher")
    # the menu collapses behind the toggler on a phone
    menu_link = page.locator('#navbar-menu a[href="/org/teachers/"]')
    assert not menu_link.is_visible()
    page.click(".navbar-toggler")
    menu_link.click()
    page.wait_for_url("**/org/teachers/")  # the click navigates; wait for the page, not the old one
    roster = page.locator("[data-testid=roster]")
    roster.wait_for(state="visible")
    assert roster.locator("text=刘思雨").is_visible()
    assert page.locator("text=孙丽").count() == 0  # another school's teacher
    # nothing wider than the phone screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "phone-roster")


def test_dean_sees_roster_with_personal_columns_on_desktop(live_server, people, desktop_page):
    page = desktop_page
    sign_in(page, live_server.url, people.dean.staff_no, PASSWORD)
    page.goto(live_server.url + "/org/teachers/")
    assert page.locator("th:has-text('出生日期')").is_visible()
    shot(page, "desktop-roster-dean")


def test_wrong_password_message_in_chinese(live_server, people, phone_page):
    sign_in(phone_page, live_server.url, people.mentor.staff_no, "wrong-password")
    assert phone_page.locator("text=工号/手机号或密码不正确").is_visible()
