"""考核 API through the door."""

import pytest

from xiaoben.assessment import services
from xiaoben.assessment.models import AssessmentResult, ItemSource
from xiaoben.core.scope import scope_for


@pytest.fixture
def opened(world):
    s = services.scheme_create(school=world.school, term=world.term, name="考核", actor=scope_for(world.users["dean"]), with_defaults=False)
    item = services.item_add(scheme=s, actor=scope_for(world.users["dean"]), name="师德表现", points=10, source=ItemSource.ENTERED)
    services.scheme_open(scheme=s, actor=scope_for(world.users["dean"]))
    return s, item


def test_anonymous_401(client, db):
    assert client.get("/api/v1/assessment/schemes").status_code == 401


@pytest.mark.parametrize("persona,n", [("teacher", 1), ("dean", 1), ("other_teacher", 0), ("researcher", 0)])
def test_schemes_scoped(opened, api_client_for, persona, n):
    assert len(api_client_for(persona).get("/api/v1/assessment/schemes").json()["items"]) == n


@pytest.mark.parametrize("persona,n", [("teacher", 1), ("dean", 6), ("leader", 3), ("colleague", 1)])
def test_results_scoped(opened, api_client_for, persona, n):
    s, _ = opened
    assert len(api_client_for(persona).get(f"/api/v1/assessment/schemes/{s.pk}/results").json()["items"]) == n


def test_other_school_gets_404(world, opened, api_client_for):
    s, _ = opened
    r = AssessmentResult.objects.get(scheme=s, teacher=world.teacher)
    assert api_client_for("other_teacher").get(f"/api/v1/assessment/schemes/{s.pk}/results").status_code == 404
    assert api_client_for("other_teacher").get(f"/api/v1/assessment/results/{r.pk}").status_code == 404
    assert api_client_for("colleague").get(f"/api/v1/assessment/results/{r.pk}").status_code == 404


def test_flow_through_the_api(world, opened, api_client_for):
    s, item = opened
    r = AssessmentResult.objects.get(scheme=s, teacher=world.teacher)
    url = f"/api/v1/assessment/results/{r.pk}"
    j = (
        api_client_for("teacher")
        .post(url + "/self", {"scores": {str(item.pk): 9}, "comment": "自评"}, content_type="application/json")
        .json()
    )
    assert j["status"] == "review" and float(j["total"]) == 9
    assert api_client_for("colleague").post(url + "/review", {"scores": {}}, content_type="application/json").status_code == 404
    j = api_client_for("leader").post(url + "/review", {"scores": {str(item.pk): 8}}, content_type="application/json").json()
    assert j["status"] == "confirm" and float(j["total"]) == 8
    assert api_client_for("leader").post(url + "/confirm").status_code == 404
    j = api_client_for("dean").post(url + "/confirm").json()
    assert j["status"] == "confirmed"
    r2 = api_client_for("teacher").post(url + "/self", {"scores": {str(item.pk): 10}}, content_type="application/json")
    assert r2.status_code == 400 and "锁定" in r2.json()["detail"]


def test_an_overlong_self_review_is_refused_not_cut(world, opened, api_client_for):
    from xiaoben.core.validation import too_long

    s, item = opened
    r = AssessmentResult.objects.get(scheme=s, teacher=world.teacher)
    text = "自评" * 1001
    resp = api_client_for("teacher").post(
        f"/api/v1/assessment/results/{r.pk}/self", {"scores": {str(item.pk): 9}, "comment": text}, content_type="application/json"
    )
    assert resp.status_code == 400 and too_long("自评小结", text, 2000) in resp.json()["detail"]
    r.refresh_from_db()
    assert r.self_comment == "" and r.status == "self" and not r.scores.exclude(self_score=None).exists()
