"""API routes × personas: requirements, progress, plan import."""

import pytest

from tests import factories as f
from xiaoben.core.scope import scope_for
from xiaoben.requirements import services
from xiaoben.requirements.models import Requirement

from .test_engine import wk

pytestmark = pytest.mark.django_db
API = "/api/v1/requirements"


@pytest.fixture
def adopted(world):
    return {r.starter_key: r for r in services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)}


@pytest.mark.parametrize(
    "persona,status,count",
    [("anonymous", 401, None), ("teacher", 200, 9), ("dean", 200, 9), ("researcher", 200, 9), ("other_teacher", 200, 0)],
)
def test_list_requirements(adopted, api_client_for, persona, status, count):
    r = api_client_for(persona).get(f"{API}/")
    assert r.status_code == status
    if count is not None:
        assert r.json()["count"] == count


@pytest.mark.parametrize("persona,status", [("teacher", 200), ("other_teacher", 404), ("other_researcher", 404), ("anonymous", 401)])
def test_requirement_detail(adopted, api_client_for, persona, status):
    assert api_client_for(persona).get(f"{API}/{adopted['observe_20'].pk}").status_code == status


@pytest.mark.parametrize("persona,status", [("anonymous", 401), ("teacher", 404), ("leader", 404), ("other_teacher", 404), ("dean", 201)])
def test_create_requirement(world, api_client_for, persona, status):
    body = {"name": "每学期听课不少于15节", "metric": "observations.given", "period": "term", "threshold": "15"}
    r = api_client_for(persona).post(f"{API}/", body, content_type="application/json")
    assert r.status_code == status
    assert Requirement.objects.filter(school=world.school).exists() is (status == 201)


def test_create_bad_requirement_is_400_in_chinese(world, api_client_for):
    body = {"name": "x", "metric": "nope.metric", "period": "term", "threshold": "15"}
    r = api_client_for("dean").post(f"{API}/", body, content_type="application/json")
    assert r.status_code == 400 and "未知的统计项" in r.json()["detail"]


@pytest.mark.parametrize("persona,status", [("anonymous", 401), ("teacher", 404), ("other_teacher", 404), ("dean", 200)])
def test_patch_and_delete(adopted, api_client_for, persona, status):
    req = adopted["observe_20"]
    c = api_client_for(persona)
    r = c.patch(f"{API}/{req.pk}", {"version": req.version, "threshold": "15"}, content_type="application/json")
    assert r.status_code == status
    if status == 200:
        assert r.json()["threshold"] == "15.0"
        stale = c.patch(f"{API}/{req.pk}", {"version": req.version, "threshold": "12"}, content_type="application/json")
        assert stale.status_code == 400 and "已被他人修改" in stale.json()["detail"]
    d = c.delete(f"{API}/{req.pk}")
    assert d.status_code == (204 if status == 200 else status)


@pytest.mark.parametrize("persona,status", [("anonymous", 401), ("teacher", 404), ("leader", 404), ("dean", 200)])
def test_adopt_and_plan_import(world, api_client_for, persona, status):
    c = api_client_for(persona)
    assert c.post(f"{API}/adopt-starter-set").status_code == status
    r = c.post(f"{API}/plan-import", {"text": "每学期听课不少于20节，学校有教师60人"}, content_type="application/json")
    assert r.status_code == status
    if status == 200:
        assert [p["threshold"] for p in r.json()] == [20]
        assert Requirement.objects.filter(school=world.school).count() == 9  # proposals are not saved


def test_my_progress(world, adopted, api_client_for):
    f.observation(world.teacher, world.mentor, wk(3), term=world.term)
    r = api_client_for("teacher").get("/api/v1/progress/me")
    assert r.status_code == 200
    obs = next(p for p in r.json() if p["requirement_id"] == adopted["observe_20"].pk)
    assert (obs["done"], obs["required"], obs["status_label"]) == (1, 20, "落后")
    assert obs["message"] == "本学期听课已完成1节，要求20节，还差19节"
    assert api_client_for("researcher").get("/api/v1/progress/me").status_code == 404
    assert api_client_for("anonymous").get("/api/v1/progress/me").status_code == 401


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 401),
        ("teacher", 200),
        ("mentor", 200),
        ("leader", 200),
        ("colleague", 404),
        ("dean", 200),
        ("researcher", 404),
        ("other_teacher", 404),
        ("platform_admin", 200),
    ],
)
def test_teacher_progress(world, adopted, api_client_for, persona, status):
    assert api_client_for(persona).get(f"/api/v1/progress/teachers/{world.teacher.pk}").status_code == status


@pytest.mark.parametrize(
    "persona,group,status",
    [
        ("anonymous", None, 401),
        ("teacher", None, 404),
        ("leader", None, 200),  # the first group they lead, as the page shows it
        ("leader", "chinese", 200),
        ("leader", "math", 404),
        ("dean", None, 200),
        ("dean", "math", 200),
        ("other_teacher", None, 404),
        ("other_teacher", "chinese", 404),
        ("researcher", None, 404),
    ],
)
def test_school_progress(world, adopted, api_client_for, persona, group, status):
    q = f"?group_id={getattr(world, group).pk}" if group else ""
    r = api_client_for(persona).get(f"/api/v1/progress/school{q}")
    assert r.status_code == status
    if status == 200:
        names = {t["name"] for t in r.json()["teachers"]}
        assert world.other_teacher.name not in names
        if group == "math":
            assert names == {world.dean.name, world.colleague.name}


def test_platform_admin_reads_any_school_grid_and_others_cannot_pick(world, adopted, api_client_for):
    services.starter_set_adopt(actor=scope_for(world.users["platform_admin"]), school=world.other_school)
    r = api_client_for("platform_admin").get(f"/api/v1/progress/school?school_id={world.other_school.pk}")
    assert r.status_code == 200 and r.json()["school_id"] == world.other_school.pk
    r = api_client_for("dean").get(f"/api/v1/progress/school?school_id={world.other_school.pk}")
    assert r.status_code == 200 and r.json()["school_id"] == world.school.pk  # their own, never the other
