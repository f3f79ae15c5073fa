"""API with a personal token and CSRF enforced: list, detail, create, upload, share, search, 晒课."""

import pytest
from django.test import Client

from xiaoben.core.services import api_token_create

from .helpers import approve, make_resource, text_upload


@pytest.fixture
def api(world):
    def make(persona):
        _, raw = api_token_create(user=world.users[persona], name="t")
        return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")

    return make


def test_list_detail_through_the_door(world, api):
    r = make_resource(world, title="分数教案", visibility="private")
    shared = approve(world, make_resource(world, title="区域试题", kind="exercise", visibility="region"))
    got = {x["title"] for x in api("teacher").get("/api/v1/resources/").json()["items"]}
    assert {"分数教案", "区域试题"} <= got
    got = {x["title"] for x in api("researcher").get("/api/v1/resources/").json()["items"]}
    assert got == {"区域试题"}
    assert api("other_teacher").get(f"/api/v1/resources/{r.pk}").status_code == 404
    body = api("researcher").get(f"/api/v1/resources/{shared.pk}").json()
    assert body["school_name"] == world.school.name


def test_create_upload_share(world, api):
    c = api("teacher")
    resp = c.post(
        "/api/v1/resources/",
        {"kind": "exercise", "title": "API 作业", "subject": "数学", "visibility": "school"},
        content_type="application/json",
    )
    assert resp.status_code == 201, resp.content
    rid = resp.json()["id"]
    resp = c.post(f"/api/v1/resources/{rid}/files", {"file": text_upload(), "role": "other"})
    assert resp.status_code == 201 and resp.json()["kind"] == "text"
    from django.core.files.uploadedfile import SimpleUploadedFile

    resp = c.post(f"/api/v1/resources/{rid}/files", {"file": SimpleUploadedFile("a.exe", b"MZ\x00\x00")})
    assert resp.status_code == 400 and "类型不被接受" in resp.json()["detail"]
    resp = c.post(f"/api/v1/resources/{rid}/share", {"visibility": "region"}, content_type="application/json")
    assert resp.json()["share_state"] == "pending"
    assert api("teacher").post(f"/api/v1/resources/{rid}/share/decide?approve=true").status_code == 403
    assert api("principal").post(f"/api/v1/resources/{rid}/share/decide?approve=true").json()["share_state"] == "approved"
    assert (
        api("colleague").post(f"/api/v1/resources/{rid}/share", {"visibility": "private"}, content_type="application/json").status_code
        == 403
    )


def test_search_api(world, api):
    make_resource(world, title="分数的初步认识教学设计")
    body = api("teacher").get("/api/v1/search/", {"q": "分数的初步认识"}).json()
    assert body["total"] == 1 and "<mark>" in body["results"][0]["title_html"]
    assert api("other_teacher").get("/api/v1/search/", {"q": "分数的初步认识"}).json()["total"] == 0


def test_session_without_csrf_is_refused(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["teacher"])
    resp = c.post("/api/v1/resources/", {"kind": "other", "title": "x"}, content_type="application/json")
    assert resp.status_code in (401, 403)
