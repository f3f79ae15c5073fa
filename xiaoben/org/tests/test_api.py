"""The org API through the same door: sessions, tokens, PII, pagination, query counts."""

import pytest
from django.core.management import call_command

from xiaoben.core.scope import SYSTEM
from xiaoben.core.services import api_token_create
from xiaoben.org import services


def test_openapi_schema_is_served(client, db):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    assert "/api/v1/org/teachers" in r.json()["paths"]


def test_api_requires_auth(client, db):
    assert client.get("/api/v1/org/me").status_code == 401


def test_bearer_token(client, world):
    _, raw = api_token_create(user=world.users["dean"], name="test")
    r = client.get("/api/v1/org/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200
    assert r.json()["is_school_admin"] is True
    assert client.get("/api/v1/org/me", HTTP_AUTHORIZATION="Bearer nope").status_code == 401


def test_create_token_command(world, capsys):
    call_command("create_token", world.users["teacher"].username)
    raw = capsys.readouterr().out.strip().split()[-1]
    assert raw.startswith("xb_")


@pytest.mark.parametrize(
    "persona,expected",
    [("teacher", {"刘思雨", "王建国"}), ("other_teacher", {"孙丽"}), ("researcher", {"刘思雨"}), ("other_researcher", {"孙丽"})],
)
def test_teachers_api_scoped(api_client_for, persona, expected):
    names = {t["name"] for t in api_client_for(persona).get("/api/v1/org/teachers").json()["items"]}
    assert expected <= names
    assert not ({"刘思雨", "孙丽"} - expected) & names


@pytest.mark.parametrize("persona,sees", [("teacher", True), ("dean", True), ("mentor", False), ("researcher", False)])
def test_teacher_api_personal_data(world, api_client_for, persona, sees):
    data = api_client_for(persona).get(f"/api/v1/org/teachers/{world.teacher.pk}").json()
    assert (data["birth_date"] is not None) is sees
    assert (data["phone"] is not None) is sees


def test_teacher_api_404_across_schools(world, api_client_for):
    assert api_client_for("other_teacher").get(f"/api/v1/org/teachers/{world.teacher.pk}").status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/org/schools", "/api/v1/org/terms", "/api/v1/org/groups"])
@pytest.mark.parametrize("persona", ["teacher", "other_teacher", "researcher"])
def test_lists_scoped(world, api_client_for, path, persona):
    items = api_client_for(persona).get(path).json()["items"]
    school_ids = {i.get("school_id", i.get("id")) for i in items}
    if persona == "other_teacher":
        assert world.school.pk not in school_ids
    else:
        assert world.other_school.pk not in school_ids


def test_teachers_api_query_count_constant(world, api_client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client_for("dean")
    client.get("/api/v1/org/teachers")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/org/teachers").status_code == 200
        return len(ctx)

    before = count()
    for i in range(30):
        services.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"8{i:02d}", name=f"接口{i}", gender="M")
    assert count() == before
