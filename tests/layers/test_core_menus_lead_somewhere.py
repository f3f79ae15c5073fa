"""Nothing in anyone's menu leads to a 404 (issue 14, item 8): the 教研员's and the
platform admin's entries included; the platform admin's 学期 page is not wrongly empty."""

import pytest

from xiaoben.core.nav import items_for
from xiaoben.core.scope import scope_for

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "researcher", "principal", "dean", "leader", "mentor", "teacher"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_answers(world, client_for, persona):
    client = client_for(persona)
    bad = {}
    for item in items_for(scope_for(world.users[persona])):
        r = client.get(item["url"])
        if r.status_code != 200:
            bad[item["label"]] = (item["url"], r.status_code)
    assert not bad, bad


def test_platform_admin_sees_every_schools_terms(world, client_for):
    html = client_for("platform_admin").get("/org/terms/").content.decode()
    assert "还没有学期" not in html
    assert world.term.name in html and (world.school.short_name or world.school.name) in html
    assert (world.other_school.short_name or world.other_school.name) in html


def test_researcher_menu_has_the_region_pages_with_content(world, client_for):
    """Issue 14 item 8: the 教研员's 研修活动 and 研修文章 list the region's (not empty), 达标情况
    and 听课统计 answer with the region's schools as aggregates (no teacher names)."""
    import datetime as dt

    from xiaoben.activities.tests.factories import make_activity
    from xiaoben.observations import services as obs_services
    from xiaoben.observations.rubrics import rubric_for_school
    from xiaoben.writings import services as w_services

    make_activity(world, start=dt.datetime(2026, 11, 20, 15, 15, tzinfo=dt.timezone(dt.timedelta(hours=8))), title="区里可见的研讨课")
    w = w_services.writing_create(
        actor=scope_for(world.users["teacher"]),
        kind="reflection",
        title="分享到区域的教学反思",
        body="<p>" + "反思" * 120 + "</p>",
        visibility="region",
    )
    w_services.writing_submit(writing=w, actor=scope_for(world.users["teacher"]))
    rubric = rubric_for_school(world.school)
    data = obs_services.ObservationInput(
        teacher=world.teacher,
        lesson_date=dt.date(2026, 11, 17),
        lesson_title="《秋天的雨》",
        strengths="朗读指导扎实。",
        points={i.pk: i.max_points for i in rubric.items.all()},
    )
    obs_services.observation_save(actor=scope_for(world.mentor.user), data=data, submit=True, rubric=rubric)

    c = client_for("researcher")
    menu = {i["label"]: i["url"] for i in items_for(scope_for(world.users["researcher"]))}
    for label in ("研修活动", "研修文章", "达标情况", "听课统计"):
        assert label in menu, f"{label} missing from the 教研员's menu"
    html = c.get(menu["研修活动"]).content.decode()
    assert "区里可见的研讨课" in html and 'data-testid="school-filter"' in html
    html = c.get(menu["研修文章"]).content.decode()
    assert "分享到区域的教学反思" in html
    html = c.get(menu["达标情况"]).content.decode()
    assert 'data-testid="region-compliance"' in html and (world.school.short_name or world.school.name) in html
    assert world.teacher.name not in html
    html = c.get(menu["听课统计"]).content.decode()
    assert 'data-testid="region-observation-stats"' in html and world.mentor.name not in html
    assert (world.other_school.short_name or world.other_school.name) not in html or world.other_school.region_id in (
        scope_for(world.users["researcher"]).region_ids
    )
