"""On a phone, a 404 is readable and the way home is a real tap target (issue 14, item 6)."""

import pytest

from xiaoben.core.testing_browser import shot, sign_in
from xiaoben.org.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_404_on_a_phone(live_server, world, phone_page, desktop_page):
    for page, name in ((phone_page, "phone"), (desktop_page, "desktop")):
        sign_in(page, live_server.url, world.teacher.user.username, PASSWORD)
        page.goto(f"{live_server.url}/activities/999999/")
        title = page.get_by_text("找不到这个页面")
        assert title.is_visible()
        size = page.evaluate("el => parseFloat(getComputedStyle(el).fontSize)", title.element_handle())
        assert size >= 16
        home = page.get_by_role("link", name="回到首页")
        box = home.bounding_box()
        assert box["height"] >= 36 and box["width"] >= 80
        shot(page, f"error-404-{name}")
        home.click()
        page.wait_for_load_state("networkidle")
        assert page.url.rstrip("/") == live_server.url
