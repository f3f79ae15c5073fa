"""区域统一要求 set by the district: copied into every school of the region at once, raised or
lowered with the district's bar, a school's stricter copy kept; pages and API by persona."""

import pytest

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.org.models import School
from xiaoben.requirements import services
from xiaoben.requirements.models import Requirement

pytestmark = pytest.mark.django_db
API = "/api/v1/requirements"
RULE = {"name": "每学期听课不少于15节", "metric": "observations.given", "period": "term", "threshold": 15}


@pytest.fixture
def second_school(world):
    return School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SXX", stage="primary", region=world.district)


def _save(world, **fields):
    return services.region_requirement_save(actor=scope_for(world.users["researcher"]), region=world.district, **(RULE | fields))


def _copy(school, t):
    return Requirement.objects.get(school=school, starter_key=f"region-{t.pk}")


def test_a_district_rule_reaches_every_school_of_the_district_at_once(world, second_school):
    t = _save(world)
    assert t.school_id is None and t.region_id == world.district.pk
    assert {r.school_id for r in Requirement.objects.filter(starter_key=f"region-{t.pk}")} == {world.school.pk, second_school.pk}
    assert not Requirement.objects.filter(school=world.other_school).exists()  # another district
    assert services.region_adoption([t.pk]) == {t.pk: 2}


def test_a_school_twin_becomes_the_copy_raised_to_the_bar_or_kept_when_stricter(world, second_school):
    weaker = services.requirement_create(
        actor=scope_for(world.users["dean"]), school=world.school, name="听课10节", metric="observations.given", period="term", threshold=10
    )
    stricter = services.requirement_create(
        actor=scope_for(world.users["platform_admin"]),
        school=second_school,
        name="听课20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    t = _save(world)
    weaker.refresh_from_db(), stricter.refresh_from_db()
    assert (weaker.starter_key, weaker.threshold) == (f"region-{t.pk}", 15)
    assert (stricter.starter_key, stricter.threshold) == (f"region-{t.pk}", 20)
    assert Requirement.objects.filter(school=world.school, metric="observations.given", active=True).count() == 1


def test_changing_the_bar_moves_copies_at_the_old_bar_and_keeps_stricter_ones(world, second_school):
    t = _save(world)
    mine = _copy(second_school, t)
    services.requirement_update(
        actor=scope_for(world.users["platform_admin"]), requirement=mine, expected_version=mine.version, threshold=18
    )
    t = services.region_requirement_save(
        actor=scope_for(world.users["researcher"]), region=world.district, requirement=t, expected_version=t.version, threshold=16
    )
    assert _copy(world.school, t).threshold == 16 and _copy(second_school, t).threshold == 18
    t = services.region_requirement_save(
        actor=scope_for(world.users["researcher"]), region=world.district, requirement=t, expected_version=t.version, threshold=12
    )
    assert _copy(world.school, t).threshold == 12 and _copy(second_school, t).threshold == 18
    t = services.region_requirement_save(
        actor=scope_for(world.users["researcher"]), region=world.district, requirement=t, expected_version=t.version, threshold=20
    )
    assert _copy(world.school, t).threshold == 20 and _copy(second_school, t).threshold == 20


def test_retired_rule_leaves_the_schools_their_copy_to_change(world):
    t = _save(world)
    services.region_requirement_retire(actor=scope_for(world.users["researcher"]), requirement=t, expected_version=t.version)
    copy = _copy(world.school, t)
    services.requirement_update(actor=scope_for(world.users["dean"]), requirement=copy, expected_version=copy.version, threshold=5)
    services.requirement_delete(actor=scope_for(world.users["dean"]), requirement=copy)
    assert not Requirement.objects.filter(pk=copy.pk).exists()


@pytest.mark.parametrize("persona", ["teacher", "dean", "principal", "other_researcher"])
def test_only_the_district_sets_its_rules(world, persona):
    with pytest.raises(NotPermitted):
        services.region_requirement_save(actor=scope_for(world.users[persona]), region=world.district, **RULE)
    assert not Requirement.objects.exists()


@pytest.mark.parametrize(
    "persona,status", [("researcher", 200), ("teacher", 404), ("dean", 404), ("other_researcher", 200), ("anonymous", 302)]
)
def test_region_page_by_persona(world, client_for, persona, status):
    t = _save(world)
    r = client_for(persona).get("/requirements/region/")
    assert r.status_code == status
    if status == 200:
        assert (f'data-testid="threshold-{t.pk}"' in r.content.decode()) is (persona == "researcher")
    edit = client_for(persona).get(f"/requirements/region/{t.pk}/")
    assert edit.status_code == (200 if persona == "researcher" else 302 if persona == "anonymous" else 404)


def test_region_page_has_an_absolute_query_budget(world, client_for, second_school):
    from xiaoben.core.testing import assert_queries

    c = client_for("researcher")
    _save(world)
    one = assert_queries(c, "/requirements/region/", budget=20)
    for period in ("week", "two_week", "month", "school_year"):
        _save(world, name=f"文章（{period}）", metric="writings.count", period=period, threshold=1)
    assert assert_queries(c, "/requirements/region/", budget=20) == one  # rules and schools add no query


def test_researcher_adds_a_rule_through_the_page(world, client_for, second_school):
    c = client_for("researcher")
    form = {
        "name": "每月至少一篇教学反思",
        "metric": "writings.count",
        "period": "month",
        "threshold": "1",
        "applies_to": "all",
        "order": "50",
        "region": world.district.pk,
    }
    r = c.post("/requirements/region/new/", form)
    assert r.status_code == 302, r.content.decode()[:2000]
    t = Requirement.objects.get(region=world.district, school__isnull=True)
    assert Requirement.objects.filter(starter_key=f"region-{t.pk}").count() == 2
    page = c.get("/requirements/region/").content.decode()
    assert "每月至少一篇教学反思" in page and f'data-testid="schools-{t.pk}">2 所' in page
    bad = c.post("/requirements/region/new/", form | {"threshold": "0"})
    assert bad.status_code == 200 and "数量要求必须大于0" in bad.content.decode()


def test_api_with_a_token_creates_patches_and_retires(world, api_client_for):
    c = api_client_for("researcher")
    r = c.post(f"{API}/region", RULE | {"region_id": world.district.pk}, content_type="application/json")
    assert r.status_code == 201, r.content
    t = r.json()
    assert t["region_id"] == world.district.pk and t["school_id"] is None
    ok = c.patch(f"{API}/region/{t['id']}", {"version": t["version"], "threshold": 18}, content_type="application/json")
    assert ok.status_code == 200 and float(ok.json()["threshold"]) == 18
    stale = c.patch(f"{API}/region/{t['id']}", {"version": t["version"], "threshold": 30}, content_type="application/json")
    assert stale.status_code == 400 and "已被他人修改" in stale.json()["detail"]
    assert _copy(world.school, Requirement.objects.get(pk=t["id"])).threshold == 18
    gone = c.post(f"{API}/region/{t['id']}/retire", {"version": ok.json()["version"]}, content_type="application/json")
    assert gone.status_code == 200 and gone.json()["active"] is False


@pytest.mark.parametrize("persona", ["dean", "teacher", "other_researcher"])
def test_api_refuses_everyone_else(world, api_client_for, persona):
    t = _save(world)
    c = api_client_for(persona)
    assert c.post(f"{API}/region", RULE | {"region_id": world.district.pk}, content_type="application/json").status_code == 404
    assert c.patch(f"{API}/region/{t.pk}", {"version": t.version, "threshold": 1}, content_type="application/json").status_code == 404
    assert c.post(f"{API}/region/{t.pk}/retire", {"version": t.version}, content_type="application/json").status_code == 404
    t.refresh_from_db()
    assert t.active and t.threshold == 15
