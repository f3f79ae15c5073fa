"""An activity made from a 月度安排 item links back to it — through the door (a colleague of
another group sees the activity, not that group's plan); week-only items (第3周：… without a
month) are included by the month button of the month their week falls in."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.activities.models import Activity
from xiaoben.plans import services, services_schedule
from xiaoben.plans.models import ItemOwner

from .factories import group_plan, school_plan, scope

PLAN_TITLE = "语文组本学期教研计划甲乙丙"


def _group_activity(world):
    plan = group_plan(world, title=PLAN_TITLE)
    item = services.item_create(actor=scope(world, "leader"), plan=plan, month=10, title="集体备课：第三单元", kind="lesson_prep")
    (act,) = services_schedule.items_schedule_month(actor=scope(world, "leader"), plan=plan, month=10)
    return plan, item, act


def test_activity_page_links_back_to_its_plan_item(world, client_for):
    plan, item, act = _group_activity(world)
    assert act.plan_item == item and PLAN_TITLE not in act.description  # the plan is named only through the door
    for persona in ("leader", "teacher", "dean"):
        body = client_for(persona).get(f"/activities/{act.pk}/").content.decode()
        assert f'href="/plans/{plan.pk}/#item-{item.pk}"' in body and PLAN_TITLE in body, persona
        assert 'data-testid="plan-item"' in body
    # the anchor is there on the plan page
    assert f'id="item-{item.pk}"' in client_for("leader").get(f"/plans/{plan.pk}/").content.decode()


def test_a_plan_the_viewer_may_not_see_is_not_linked(world, client_for):
    plan, _item, act = _group_activity(world)
    # 数学组's colleague reads the school's activities, not 语文组's plan
    r = client_for("colleague").get(f"/activities/{act.pk}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert PLAN_TITLE not in body and f"/plans/{plan.pk}/" not in body
    assert 'data-testid="reference-hidden"' in body
    assert client_for("colleague").get(f"/plans/{plan.pk}/").status_code == 404
    # another school: the activity itself is out of reach
    assert client_for("other_teacher").get(f"/activities/{act.pk}/").status_code == 404


def test_activity_without_plan_item_shows_no_plan_row(world, client_for):
    _plan, _item, act = _group_activity(world)
    Activity.objects.filter(pk=act.pk).update(plan_item=None)
    assert 'data-testid="plan-item"' not in client_for("leader").get(f"/activities/{act.pk}/").content.decode()


def _month_of_week(term, week: int) -> int:
    monday, _ = term.week_range(week)
    return min(max(monday + dt.timedelta(days=2), term.start_date), term.end_date).month


def test_week_only_items_are_made_by_their_months_button(world, client_for):
    plan = school_plan(world)
    dean = scope(world, "dean")
    week8 = services.item_create(
        actor=dean, plan=plan, week=8, title="第8周 语文组集体备课", kind="lesson_prep", owner=ItemOwner.GROUP, group=world.chinese
    )
    month = _month_of_week(world.term, 8)
    other_month = _month_of_week(world.term, 16)
    assert other_month != month
    week16 = services.item_create(actor=dean, plan=plan, week=16, title="第16周 读书交流", kind="reading")
    same = services.item_create(actor=dean, plan=plan, month=month, title="本月讲座", kind="lecture")
    # the plan page offers both months for its week-only items
    body = client_for("dean").get(f"/plans/{plan.pk}/").content.decode()
    assert f'<option value="{month}">' in body and f'<option value="{other_month}">' in body
    made = services_schedule.items_schedule_month(actor=dean, plan=plan, month=month)
    assert {a.plan_item_id for a in made} == {week8.pk, same.pk}
    wk = next(a for a in made if a.plan_item_id == week8.pk)
    assert wk.group == world.chinese and wk.status == "planned" and "第8周" in wk.description
    # idempotent, and week 16 waits for its own month
    assert services_schedule.items_schedule_month(actor=dean, plan=plan, month=month) == []
    (later,) = services_schedule.items_schedule_month(actor=dean, plan=plan, month=other_month)
    assert later.plan_item == week16
    # through the view too: a month with nothing left says so
    r = client_for("dean").post(f"/plans/{plan.pk}/schedule/", {"month": month}, follow=True)
    assert "都已生成过活动" in r.content.decode()


def test_week_items_of_a_year_plan_count_in_its_first_term(world):
    plan = school_plan(world, span="year", term=None, school_year=world.term.school_year)
    dean = scope(world, "dean")
    item = services.item_create(actor=dean, plan=plan, week=3, title="第3周 理论学习", kind="study")
    first = world.term.school_year.terms.order_by("start_date").first()
    month = _month_of_week(first, 3)
    assert services_schedule.item_months(plan, [item]) == {item.pk: month}
    (act,) = services_schedule.items_schedule_month(actor=dean, plan=plan, month=month)
    assert act.plan_item == item
    with pytest.raises(ValidationError):
        services_schedule.items_schedule_month(actor=dean, plan=plan, month=month % 12 + 2)
