"""On a 390×844 phone: the 教研组长 writes the group plan in the rich-text editor, adds
October's 集体备课, submits; the 教导主任 sends it back with a reason, the leader sees
why, submits again and it is approved; October's item becomes a draft activity."""

import pytest

from xiaoben.activities.models import Activity
from xiaoben.core.testing_browser import phone_context, shot
from xiaoben.org.testing import PASSWORD
from xiaoben.plans.models import Plan, PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, base, login):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", login)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_group_plan_on_a_phone(live_server, world, browser):
    base = live_server.url
    leader = phone_context(browser).new_page()
    _sign_in(leader, base, world.leader.user.username)
    leader.goto(f"{base}/plans/new/?level=group")
    leader.select_option("select[name=group]", str(world.chinese.pk))
    leader.click("[data-testid=create]")
    leader.wait_for_url("**/edit/")
    leader.locator(".plan-editor .ql-editor").first.click()
    leader.keyboard.type("以“课堂提问的有效性”为本组研究专题。")
    leader.click("[data-testid=save-plan]")
    leader.wait_for_load_state("networkidle")
    plan = Plan.objects.get(level="group", group=world.chinese)
    assert "课堂提问的有效性" in plan.sections.get(key="guiding").body
    leader.click("[data-testid=add-item]")
    leader.select_option("select[name=month]", "10")
    leader.fill("input[name=title]", "第三单元集体备课")
    leader.select_option("select[name=kind]", "lesson_prep")
    leader.select_option("select[name=owner]", "group")
    leader.select_option("select[name=group]", str(world.chinese.pk))
    leader.click("[data-testid=save-item]")
    leader.wait_for_load_state("networkidle")
    leader.click("[data-testid=submit]")
    leader.wait_for_load_state("networkidle")
    shot(leader, "plans-submitted-phone")

    dean = phone_context(browser).new_page()
    _sign_in(dean, base, world.dean.user.username)
    dean.goto(f"{base}/plans/{plan.pk}/")
    dean.fill("textarea[name=comment]", "请写明主备人")
    dean.click("[data-testid=return]")
    dean.wait_for_load_state("networkidle")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED

    leader.goto(f"{base}/plans/{plan.pk}/")
    assert "请写明主备人" in leader.locator("[data-testid=returned-reason]").inner_text()
    leader.click("[data-testid=submit]")
    leader.wait_for_load_state("networkidle")
    dean.goto(f"{base}/plans/{plan.pk}/")
    dean.click("[data-testid=approve]")
    dean.wait_for_load_state("networkidle")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED

    leader.goto(f"{base}/plans/{plan.pk}/")
    leader.select_option("[data-testid=schedule-month-select]", "10")
    leader.click("[data-testid=schedule-month]")
    leader.wait_for_load_state("networkidle")
    act = Activity.objects.get(plan_item__plan=plan)
    assert (act.group, act.status, act.kind) == (world.chinese, "planned", "lesson_prep")
    assert leader.locator("[data-testid=item-status]").first.inner_text() == "已安排"
    shot(leader, "plans-scheduled-phone")
