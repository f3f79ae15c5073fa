"""On a phone: the district 教研员 searches 分数的初步认识, opens the demonstration lesson of
another school and seeks in its video (range requests)."""

import pytest

from xiaoben.core.testing_browser import shot, sign_in
from xiaoben.org.testing import PASSWORD

from .helpers import approve, docx_upload, make_resource, video_upload

pytestmark = pytest.mark.browser


def test_researcher_finds_lesson_and_seeks_video_on_phone(live_server, world, phone_page):
    r = make_resource(
        world,
        "mentor",
        title="示范课《分数的初步认识》",
        kind="video",
        subject="数学",
        grade=3,
        edition="pep",
        visibility="region",
        files=[(docx_upload(), "design"), (video_upload(), "video")],
    )
    approve(world, r)
    page = phone_page
    sign_in(page, live_server.url, "jyy", PASSWORD)
    page.goto(f"{live_server.url}/resources/search/?q=分数的初步认识")
    page.wait_for_selector("[data-testid=search-results] a")
    shot(page, "resources-search-phone")
    page.locator("[data-testid=search-results] a").first.tap()
    page.wait_for_selector("[data-testid=video]")
    assert world.school.name in page.inner_text("[data-testid=school-name]")
    seeked = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const v = document.querySelector('[data-testid=video]');
            const go = () => { v.addEventListener('seeked', () => resolve(v.currentTime), {once: true}); v.currentTime = 8; };
            if (v.readyState >= 1) go(); else v.addEventListener('loadedmetadata', go, {once: true});
            v.addEventListener('error', () => reject('video error ' + (v.error && v.error.code)));
            setTimeout(() => reject('timeout'), 30000);
        })"""
    )
    assert 7.5 <= seeked <= 8.5
    shot(page, "resources-detail-phone")
