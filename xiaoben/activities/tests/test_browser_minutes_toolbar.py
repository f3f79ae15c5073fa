"""The minutes editor's heading picker says 正文, like the writing editor (issue 14, item 11)."""

import pytest

from xiaoben.core.testing_browser import shot, sign_in
from xiaoben.org.testing import PASSWORD

from .factories import make_activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_minutes_toolbar_is_chinese(live_server, world, phone_page):
    a = make_activity(world)
    sign_in(phone_page, live_server.url, world.mentor.user.username, PASSWORD)  # the 记录人
    phone_page.goto(f"{live_server.url}/activities/{a.pk}/minutes/")
    label = phone_page.locator(".ql-picker.ql-header .ql-picker-label").first
    label.wait_for()
    text = phone_page.evaluate("el => getComputedStyle(el, '::before').content", label.element_handle())
    shot(phone_page, "minutes-toolbar-phone")
    assert text == '"正文"'
