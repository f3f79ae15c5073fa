"""The writings API through the door."""

import pytest
from django.urls import reverse

from xiaoben.writings import services

from .helpers import scope, write

API = "/api/v1/writings/"


def test_anonymous_gets_401(client, world):
    assert client.get(API).status_code == 401
    assert client.post(API, {"kind": "reflection", "title": "x"}, content_type="application/json").status_code == 401


@pytest.mark.parametrize(
    "persona,status",
    [
        ("teacher", 200),
        ("leader", 200),
        ("dean", 200),
        ("colleague", 200),
        ("other_teacher", 404),
        ("researcher", 404),
        ("other_researcher", 404),
    ],
)
def test_detail_by_persona(world, api_client_for, persona, status):
    w = write(world.teacher, submit=True)
    r = api_client_for(persona).get(f"{API}{w.pk}")
    assert r.status_code == status
    if status == 200:
        # the copy check is for reviewers only
        assert (r.json()["copied_share"] is not None) is (persona in ("leader", "dean"))


def test_lists_are_scoped(world, api_client_for):
    write(world.teacher, submit=True, title="可见的反思")
    write(world.teacher, title="我的草稿")
    write(world.other_teacher, submit=True, title="别校的反思")
    mine = {x["title"] for x in api_client_for("teacher").get(f"{API}?tab=mine").json()["items"]}
    assert mine == {"可见的反思", "我的草稿"}
    shared = {x["title"] for x in api_client_for("colleague").get(API).json()["items"]}
    assert shared == {"可见的反思"}
    queue = {x["title"] for x in api_client_for("leader").get(f"{API}?tab=review").json()["items"]}
    assert queue == {"可见的反思"}
    assert {x["title"] for x in api_client_for("other_teacher").get(API).json()["items"]} == set()


def test_create_update_submit_withdraw(world, api_client_for):
    c = api_client_for("teacher")
    r = c.post(
        API, {"kind": "reflection", "title": "第12周教学反思", "body": "<p onclick='x'>今天的课</p>"}, content_type="application/json"
    )
    assert r.status_code == 201
    w = r.json()
    assert w["status"] == "draft" and w["char_count"] == 4 and "onclick" not in w["body"]
    r = c.patch(f"{API}{w['id']}", {"version": w["version"], "body": "<p>今天的课很顺利</p>"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["char_count"] == 7
    stale = c.patch(f"{API}{w['id']}", {"version": w["version"], "title": "旧"}, content_type="application/json")
    assert stale.status_code == 400 and "已被他人修改" in stale.json()["detail"]
    assert api_client_for("leader").post(f"{API}{w['id']}/submit").status_code == 404  # a draft is the author's only
    assert c.post(f"{API}{w['id']}/submit").json()["status"] == "submitted"
    again = c.post(f"{API}{w['id']}/submit")
    assert again.status_code == 400 and "已经提交" in again.json()["detail"]
    assert c.post(f"{API}{w['id']}/withdraw").json()["status"] == "draft"
    bad = c.post(API, {"kind": "reflection", "title": ""}, content_type="application/json")
    assert bad.status_code == 400 and "请填写标题" in bad.json()["detail"]
    assert api_client_for("researcher").post(API, {"kind": "reflection", "title": "x"}, content_type="application/json").status_code == 404


def test_detail_shows_reviewers_the_copy_check_with_sources_through_the_door(world, api_client_for):
    import datetime as dt

    from .helpers import html
    from .texts import REFLECTION_A, lightly_edited

    # a 数学 colleague's private reflection of last term: the 语文 leader may not open it, the dean may
    source = write(world.colleague, html(REFLECTION_A), on=dt.date(2026, 5, 12), submit=True, visibility="private", title="海底世界反思")
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), submit=True)
    dean = api_client_for("dean").get(f"{API}{copy.pk}").json()
    assert 0.85 <= dean["copied_share"] < 1 and dean["flagged"] is True and dean["copy_state"] == "flagged"
    [src] = dean["sources"]
    assert src["id"] == source.pk and src["author"] == world.colleague.name and "海底世界反思" in src["title"] and src["share"] > 0.8
    leader = api_client_for("leader").get(f"{API}{copy.pk}").json()
    [hidden] = leader["sources"]
    assert hidden["id"] is None and hidden["author"] == "" and "海底世界" not in hidden["title"] and hidden["share"] > 0.8
    assert leader["flagged"] is True
    assert api_client_for("teacher").get(f"{API}{copy.pk}").json()["sources"] is None  # the author sees the state, not the sources


@pytest.mark.parametrize("persona,status", [("leader", 403), ("other_teacher", 404), ("teacher", 200)])
def test_view_and_api_refuse_a_withdraw_alike(world, client_for, api_client_for, persona, status):
    """The service decides (issue 11): the page and the API give the same answer for the same person."""
    w = write(world.teacher, submit=True)
    api = api_client_for(persona).post(f"{API}{w.pk}/withdraw")
    assert api.status_code == status
    if status == 403:
        assert "只有作者本人可以撤回" in api.json()["detail"]
    if status == 200:
        w.refresh_from_db()
        services.writing_submit(writing=w, actor=scope(world.teacher))  # submit again for the page's turn
    page = client_for(persona).post(reverse("writings:withdraw", args=[w.pk]))
    assert page.status_code == (302 if status == 200 else status)
    if status == 403:
        assert "只有作者本人可以撤回" in page.content.decode()
