"""On a 390×844 phone: a teacher records an observation with the default rubric in
at most 18 taps (one per rubric item: the form starts unscored, issue 14) and 3 typed
fields; the observed teacher then reads it."""

import re

import pytest
from playwright.sync_api import expect

from xiaoben.core.testing_browser import phone_context
from xiaoben.observations.models import Observation
from xiaoben.org.testing import PASSWORD

DETAIL = re.compile(r"/observations/\d+/$")
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Counter:
    def __init__(self, page):
        self.page, self.taps, self.typed = page, 0, 0

    def tap(self, selector: str) -> None:
        self.page.locator(selector).first.tap()
        self.taps += 1

    def type(self, selector: str, text: str) -> None:
        self.tap(selector)  # focusing a field is a tap too
        self.page.keyboard.type(text)
        self.typed += 1


def _sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_record_on_phone_in_few_taps_and_observed_teacher_reads_it(live_server, world, phone):
    page = phone.new_page()
    _sign_in(page, live_server.url, world.teacher.user.username)  # the new teacher observes her mentor
    page.goto(live_server.url + "/observations/new/")
    c = Counter(page)
    c.type("#teacher-q", world.mentor.name_initials)  # "cf" → 陈芳
    page.wait_for_selector(f"[data-testid=pick-{world.mentor.name_initials}]")
    c.tap(f"[data-testid=pick-{world.mentor.name_initials}]")
    assert page.input_value("#id_subject") == "语文"  # prefilled from the profile
    assert page.input_value("#id_grade") == "3"
    assert page.input_value("#id_lesson_date") == "2026-11-18"  # today by default
    c.type("#id_lesson_title", "找春天")
    c.tap("label[for=kind-mentor]")
    # the rubric starts unscored: every item is tapped — 10 on items 1 and 5, 9 elsewhere
    assert page.locator("#score-items input:checked").count() == 0
    for i in range(1, 9):
        c.tap(f"#score-items .score-item:nth-of-type({i}) label:nth-of-type({1 if i in (1, 5) else 2})")
    c.type("#id_strengths", "朗读指导层层递进，学生读得有滋有味。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    c.tap("#submit-btn")
    page.wait_for_url(DETAIL)
    assert c.taps <= 18 and c.typed <= 3, (c.taps, c.typed)
    obs = Observation.objects.get()
    assert obs.status == "submitted" and obs.observer_id == world.teacher.pk and obs.teacher_id == world.mentor.pk
    assert obs.kind == "mentor" and obs.subject == "语文" and obs.lesson_title == "找春天"
    # 10/10 on weights 10 and 20, 9/10 elsewhere → 90 + 0.1×30 = 93.0
    assert float(obs.total) == 93.0 and obs.grade_label == "优"
    assert obs.scores.count() == 8
    assert page.locator("[data-testid=total]").inner_text() == "93.0"

    # the observed teacher is notified and reads the feedback
    other = phone_context(phone.browser)
    page2 = other.new_page()
    _sign_in(page2, live_server.url, world.mentor.user.username)
    assert page2.locator("[data-testid=unread-count]").inner_text() == "1"
    page2.goto(f"{live_server.url}/observations/{obs.pk}/")
    assert "朗读指导层层递进" in page2.locator("[data-testid=feedback]").inner_text()
    assert page2.locator("text=继续填写").count() == 0
    other.close()


def test_autosave_keeps_a_server_draft(live_server, world, phone):
    # this school lets an observer submit without scoring (the rubric starts unscored)
    world.school.settings = {**world.school.settings, "rubric_scoring_optional": True}
    world.school.save(update_fields=["settings"])
    page = phone.new_page()
    _sign_in(page, live_server.url, world.mentor.user.username)
    page.goto(live_server.url + "/observations/new/")
    page.fill("#teacher-q", world.teacher.name_initials)
    page.locator(f"[data-testid=pick-{world.teacher.name_initials}]").tap()
    page.locator("#id_lesson_title").fill("秋天的雨")
    page.locator("#id_lesson_title").dispatch_event("input")
    expect(page.locator("#draft-id")).not_to_have_value("", timeout=10000)  # no eval: the page's CSP forbids it
    draft = Observation.objects.get()
    assert draft.status == "draft" and draft.lesson_title == "秋天的雨"
    # submitting afterwards completes the same row, not a second one
    page.locator("#id_strengths").fill("目标明确")
    page.locator("#submit-btn").tap()
    page.wait_for_url(DETAIL)
    assert Observation.objects.count() == 1 and Observation.objects.get().status == "submitted"
