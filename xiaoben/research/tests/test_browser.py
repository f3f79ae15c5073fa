"""On a 390×844 phone a teacher photographs a certificate and submits an award; on a desktop
the 教导主任 verifies it; the teacher's page then counts it."""

import re

import pytest

from xiaoben.core.testing_browser import shot
from xiaoben.org.testing import PASSWORD
from xiaoben.research.models import Achievement, AchievementStatus

from .factories import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DETAIL = re.compile(r"/research/achievements/\d+/$")


def _sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_phone_photo_submit_then_desktop_verify(live_server, world, phone, desktop_page, tmp_path):
    photo = tmp_path / "证书.png"
    photo.write_bytes(PNG)
    page = phone.new_page()
    _sign_in(page, live_server.url, world.teacher.user.username)
    page.goto(live_server.url + "/research/achievements/new/")
    camera = page.locator("#id_evidence")
    assert camera.get_attribute("accept") == "image/*" and camera.get_attribute("capture") == "environment"
    page.select_option("#id_kind", "lesson_award")
    page.fill("#id_title", "《秋天的雨》优质课")
    page.select_option("#id_level", "county")
    page.select_option("#id_rank", "first")
    page.fill("#id_issuer", "南湖区教育局")
    page.fill("#id_date", "2026-11-02")
    camera.set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "research_phone_submit")
    page.locator("[data-testid=achievement-form] button.btn-primary").tap()
    page.wait_for_url(DETAIL)
    a = Achievement.objects.get()
    assert a.status == AchievementStatus.PENDING and a.evidence_kind == "image"

    _sign_in(desktop_page, live_server.url, world.dean.user.username)
    desktop_page.goto(f"{live_server.url}/research/school/?status=pending")
    desktop_page.click("text=《秋天的雨》优质课")
    assert desktop_page.locator("[data-testid=evidence] img").count() == 1  # the photo is shown to check
    desktop_page.click("[data-testid=verify]")
    desktop_page.wait_for_load_state("networkidle")
    shot(desktop_page, "research_desktop_verified")
    a.refresh_from_db()
    assert a.status == AchievementStatus.VERIFIED

    page.goto(live_server.url + "/research/")
    assert page.locator("[data-testid=verified-count]").inner_text() == "1"
