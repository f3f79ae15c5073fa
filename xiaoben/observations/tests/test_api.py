"""The observations API through the door: scoping, 404 across schools, create."""

import pytest

from xiaoben.observations.models import Observation
from xiaoben.observations.rubrics import rubric_for_school


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 401),
        ("mentor", 200),
        ("teacher", 200),
        ("leader", 200),
        ("dean", 200),
        ("colleague", 404),
        ("other_teacher", 404),
        ("researcher", 404),
    ],
)
def test_observation_detail_api(world, record, api_client_for, persona, status):
    obs = record()
    r = api_client_for(persona).get(f"/api/v1/observations/{obs.pk}")
    assert r.status_code == status
    if status == 200:
        data = r.json()
        assert data["total"] == "90.0" or float(data["total"]) == 90.0
        assert len(data["scores"]) == 8 and data["strengths"]


@pytest.mark.parametrize(
    "persona,count", [("mentor", 1), ("teacher", 1), ("leader", 1), ("dean", 1), ("colleague", 0), ("other_teacher", 0)]
)
def test_observation_list_api_scoped(world, record, api_client_for, persona, count):
    record()
    r = api_client_for(persona).get("/api/v1/observations/")
    assert r.status_code == 200 and r.json()["count"] == count


def test_list_api_requires_auth(client, db):
    assert client.get("/api/v1/observations/").status_code == 401
    assert client.get("/api/v1/rubrics/").status_code == 401


@pytest.mark.parametrize("persona,sees_own", [("teacher", True), ("dean", True), ("other_teacher", False)])
def test_rubric_api_scoped(world, api_client_for, persona, sees_own):
    own = rubric_for_school(world.school)
    rubric_for_school(world.other_school)
    ids = {r["id"] for r in api_client_for(persona).get("/api/v1/rubrics/").json()["items"]}
    assert (own.pk in ids) is sees_own
    status = api_client_for(persona).get(f"/api/v1/rubrics/{own.pk}").status_code
    assert status == (200 if sees_own else 404)


def test_create_via_api(world, api_client_for):
    items = list(rubric_for_school(world.school).items.all())
    payload = {
        "teacher_id": world.teacher.pk,
        "lesson_date": "2026-11-17",
        "lesson_title": "找春天",
        "kind": "mentor",
        "strengths": "朗读指导到位",
        "scores": [{"item_id": i.pk, "points": str(i.max_points)} for i in items],
    }
    r = api_client_for("mentor").post("/api/v1/observations/", payload, content_type="application/json")
    assert r.status_code == 201, r.content
    assert float(r.json()["total"]) == 100.0 and r.json()["grade_label"] == "优"
    # other school's teacher → 404; missing scores → 400 in Chinese
    bad = {**payload, "teacher_id": world.other_teacher.pk}
    assert api_client_for("mentor").post("/api/v1/observations/", bad, content_type="application/json").status_code == 404
    r = api_client_for("mentor").post("/api/v1/observations/", {**payload, "scores": []}, content_type="application/json")
    assert r.status_code == 400 and "没有打分" in r.json()["detail"]
    assert api_client_for("researcher").post("/api/v1/observations/", payload, content_type="application/json").status_code == 404
    assert Observation.objects.count() == 1


RUBRIC = {
    "name": "语文阅读课评价表",
    "grade_scale": [["优", 90], ["良", 75], ["中", 60], ["差", 0]],
    "items": [
        {"dimension": "教学目标", "title": "目标适切", "weight": 40, "max_points": 10},
        {"dimension": "学生学习", "title": "朗读与表达", "weight": 60, "max_points": 20},
    ],
}


@pytest.mark.parametrize(
    "persona,status", [("dean", 201), ("principal", 201), ("leader", 404), ("teacher", 404), ("researcher", 404), ("anonymous", 401)]
)
def test_rubric_create_api(world, api_client_for, persona, status):
    r = api_client_for(persona).post("/api/v1/rubrics/", RUBRIC, content_type="application/json")
    assert r.status_code == status
    if status == 201:
        assert r.json()["school_id"] == world.school.pk and len(r.json()["items"]) == 2


def test_rubric_update_api_versions_after_use(world, record, api_client_for):
    obs = record()
    rid = obs.rubric_id
    r = api_client_for("dean").put(f"/api/v1/rubrics/{rid}", RUBRIC, content_type="application/json")
    assert r.status_code == 200 and r.json()["id"] != rid and r.json()["version"] == 2
    obs.refresh_from_db()
    assert obs.rubric_id == rid and float(obs.total) == 90.0
    bad = {**RUBRIC, "items": []}
    r = api_client_for("dean").put(f"/api/v1/rubrics/{r.json()['id']}", bad, content_type="application/json")
    assert r.status_code == 400 and "至少" in r.json()["detail"]
    # another school's rubric: 404
    from xiaoben.observations.rubrics import rubric_for_school

    other = rubric_for_school(world.other_school)
    assert api_client_for("dean").put(f"/api/v1/rubrics/{other.pk}", RUBRIC, content_type="application/json").status_code == 404


def test_openapi_lists_observation_routes(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for p in [
        "/api/v1/rubrics/",
        "/api/v1/rubrics/{rubric_id}",
        "/api/v1/observations/",
        "/api/v1/observations/{observation_id}",
    ]:
        assert p in paths
