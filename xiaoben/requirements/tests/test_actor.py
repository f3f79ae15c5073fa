"""The services check the actor themselves (issue 11, item 1), and the grid page and
`GET /api/v1/progress/school` answer the same for the same person (one selector)."""

import pytest
from django.urls import reverse

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.requirements import services
from xiaoben.requirements.models import Requirement
from xiaoben.requirements.selectors import progress_for_school

pytestmark = pytest.mark.django_db

RULE = {"name": "每学期听课不少于20节", "metric": "observations.given", "period": "term", "threshold": 20}


def actor(world, persona):
    return scope_for(world.users[persona])


@pytest.mark.parametrize("persona", ["teacher", "leader", "other_teacher", "researcher"])
def test_only_the_schools_admins_write_its_requirements(world, persona):
    with pytest.raises(NotPermitted) as e:
        services.requirement_create(actor=actor(world, persona), school=world.school, **RULE)
    assert e.value.hides_object
    with pytest.raises(NotPermitted):
        services.starter_set_adopt(actor=actor(world, persona), school=world.school)
    with pytest.raises(NotPermitted):
        services.requirements_import(actor=actor(world, persona), school=world.school, proposals=[RULE])
    assert not Requirement.objects.exists()
    r = services.requirement_create(actor=actor(world, "dean"), school=world.school, **RULE)
    with pytest.raises(NotPermitted):
        services.requirement_update(actor=actor(world, persona), requirement=r, expected_version=r.version, threshold=5)
    with pytest.raises(NotPermitted):
        services.requirement_delete(actor=actor(world, persona), requirement=r)
    r.refresh_from_db()
    assert r.threshold == 20 and r.created_by_id == world.users["dean"].pk


def test_another_schools_admin_cannot_touch_this_schools_rules(world):
    other_admin = scope_for(world.users["platform_admin"])
    mine = services.requirement_create(actor=actor(world, "dean"), school=world.school, **RULE)
    theirs = services.requirement_create(actor=other_admin, school=world.other_school, **RULE)
    with pytest.raises(NotPermitted):
        services.requirement_update(actor=actor(world, "dean"), requirement=theirs, expected_version=theirs.version, threshold=5)
    services.requirement_update(actor=actor(world, "principal"), requirement=mine, expected_version=mine.version, threshold=5)
    mine.refresh_from_db()
    assert mine.threshold == 5


def test_region_templates_are_adopted_by_the_school_or_its_districts_staff(world):
    Requirement.objects.create(region=world.district, name="区：听课15节", metric="observations.given", period="term", threshold=15)
    with pytest.raises(NotPermitted):
        services.region_templates_adopt(actor=actor(world, "teacher"), school=world.school)
    (copy,) = services.region_templates_adopt(actor=actor(world, "researcher"), school=world.school)
    assert copy.school_id == world.school.pk and copy.threshold == 15


def test_reminders_go_only_to_those_the_actor_may_remind(world):
    services.requirement_create(
        actor=actor(world, "dean"), school=world.school, name="每周反思", metric="writings.count", period="week", threshold=1
    )
    grid = progress_for_school(world.school, world.term)
    with pytest.raises(NotPermitted):
        services.remind_behind(actor=actor(world, "teacher"), grid=grid)
    behind = set(grid.behind())
    led = {t for t in behind if scope_for(world.users["leader"]).leads(t)}
    assert led and led != behind  # the leader leads some of those behind, not all
    assert services.remind_behind(actor=actor(world, "leader"), grid=grid) == len(led)
    assert services.remind_behind(actor=actor(world, "dean"), grid=grid) == len(behind)


@pytest.mark.parametrize("persona", ["teacher", "leader", "mentor", "dean", "other_teacher", "researcher"])
@pytest.mark.parametrize("group", [None, "chinese", "math"])
def test_the_grid_page_and_the_api_answer_alike(world, client_for, api_client_for, persona, group):
    services.starter_set_adopt(actor=actor(world, "dean"), school=world.school)
    q = f"?group={getattr(world, group).pk}" if group else ""
    page = client_for(persona).get(reverse("requirements:grid") + q)
    api = api_client_for(persona).get("/api/v1/progress/school" + q.replace("group", "group_id"))
    if persona == "researcher":
        assert (page.status_code, api.status_code) == (302, 404)  # the page sends them to the district's 达标情况
        return
    assert page.status_code == api.status_code, (page.status_code, api.status_code)
    if api.status_code == 200:
        shown = {t.teacher.name for t in page.context["page"].object_list}
        assert shown == {t["name"] for t in api.json()["teachers"]}
        assert (page.context["group"].pk if page.context["group"] else None) == api.json()["group_id"]
