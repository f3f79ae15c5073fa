"""The API can be written to with a personal token (no CSRF), session writes keep CSRF, and
every error answers in Chinese (issue #12, 3)."""

import pytest
from django.test import Client

from xiaoben.core.services import api_token_create

pytestmark = pytest.mark.django_db

URL = "/api/v1/writings/"
BODY = {"kind": "reflection", "title": "令牌写的反思", "body": "<p>今天的课上，学生读得很投入。</p>", "written_on": "2026-11-16"}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_a_token_writes_with_csrf_enforced(world):
    _, raw = api_token_create(user=world.users["teacher"], name="集成")
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    r = c.post(URL, BODY, content_type="application/json")
    assert r.status_code in (200, 201), r.content


def test_a_token_writes_even_when_the_browser_also_has_a_session(world):
    _, raw = api_token_create(user=world.users["teacher"], name="集成")
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    c.force_login(world.users["teacher"])
    assert c.post(URL, BODY, content_type="application/json").status_code in (200, 201)


def test_a_session_write_without_csrf_is_refused_in_chinese(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["teacher"])
    r = c.post(URL, BODY, content_type="application/json")
    assert r.status_code == 403 and "CSRF" in r.json()["detail"] and _has_chinese(r.json()["detail"])


def test_a_session_write_with_the_csrf_token_passes(world):
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.users["teacher"])
    c.get("/")  # sets the csrftoken cookie
    token = c.cookies["csrftoken"].value
    r = c.post(URL, BODY, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert r.status_code in (200, 201), r.content


def test_a_forged_session_write_with_a_bad_token_header_still_needs_csrf(world):
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer forged")
    c.force_login(world.users["teacher"])
    assert c.post(URL, BODY, content_type="application/json").status_code == 403


def test_anonymous_write_is_401_in_chinese(db):
    r = Client(enforce_csrf_checks=True).post(URL, BODY, content_type="application/json")
    assert r.status_code == 401 and _has_chinese(r.json()["detail"])


def test_schema_errors_name_the_field_in_chinese(world, api_client_for):
    r = api_client_for("teacher").post(
        URL, {"kind": "reflection", "body": "<p>x</p>", "written_on": "明天"}, content_type="application/json"
    )
    assert r.status_code == 422
    data = r.json()
    assert "标题" in data["detail"] and "必须填写" in data["detail"]
    assert "写作日期" in data["detail"] and "日期" in data["detail"]
    assert all(_has_chinese(e["msg"]) for e in data["errors"])


def test_not_found_and_bad_method_are_chinese(world, api_client_for):
    r = api_client_for("teacher").get(f"{URL}999999")
    assert r.status_code == 404 and _has_chinese(r.json()["detail"])
    r = api_client_for("teacher").get("/api/v1/writings/notanumber")
    assert r.status_code in (404, 422) and _has_chinese(r.json()["detail"])
