"""Comments on resources across schools: a region-shared (or public) resource takes comments from
every teacher who may read it — an alliance school's teacher too —; those comments are shown to
whoever reads the resource and to nobody else; notices about a thread go only to people who may
open the resource; a school-only resource answers another school's teacher 404."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from xiaoben.core.models import Comment, Notification
from xiaoben.org.testing import make_teacher
from xiaoben.resources import services as svc
from xiaoben.resources.models import Resource

from .helpers import approve, make_resource, scope_of
from .test_visibility import EXPECTED, PERSONAS


def _url(r):
    return f"/comments/{ContentType.objects.get_for_model(r).pk}/{r.pk}/"


def _post(client, r, body, parent=None):
    data = {"body": body, "next": f"/resources/{r.pk}/"}
    if parent:
        data["parent"] = parent.pk
    return client.post(_url(r), data)


@pytest.fixture
def allied(world):
    """实验小学 and the other district's school are in one 联片 alliance: region shares reach it."""
    world.other_school.alliances.add(world.alliance)
    return world


# Who may comment = who may read, for every sharing level (the alliance school reads region shares).
MAY_COMMENT = {level: set(who) - {"anonymous"} for level, who in EXPECTED.items()}
MAY_COMMENT["region"] = MAY_COMMENT["region"] | {"other_teacher"}


@pytest.mark.parametrize("level", list(EXPECTED))
def test_comment_matrix(allied, client_for, level):
    world = allied
    kw = {"group": world.prep} if level == "group" else {}
    r = make_resource(world, title=f"评论矩阵{level}", visibility=level, **kw)
    if level in ("region", "public"):
        r = approve(world, r)
    for persona in PERSONAS:
        if persona == "anonymous":
            resp = _post(client_for("teacher").__class__(), r, "匿名评论")
            assert resp.status_code == 302 and "/login" in resp["Location"]
            continue
        resp = _post(client_for(persona), r, f"{persona}的评论{level}")
        may = persona in MAY_COMMENT[level]
        assert resp.status_code == (302 if may else 404), (level, persona, resp.status_code)
        assert Comment.objects.filter(body=f"{persona}的评论{level}").exists() == may, (level, persona)


def test_another_schools_teacher_comments_on_a_region_share(allied, client_for):
    world = allied
    r = approve(world, make_resource(world, title="分数的初步认识 示范课", visibility="region"))
    resp = _post(client_for("other_teacher"), r, "这节课的情境导入很好，我们学校借鉴一下。")
    assert resp.status_code == 302
    # the author is told (she reads her own resource); the thread shows it to every reader
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="core.comment").exists()
    for persona in ("teacher", "colleague", "researcher", "other_teacher"):
        body = client_for(persona).get(f"/resources/{r.pk}/").content.decode()
        assert "情境导入很好" in body, persona
    # the author replies: the other school's teacher is told
    comment = Comment.objects.get(body__startswith="这节课")
    assert _post(client_for("teacher"), r, "谢谢！", parent=comment).status_code == 302
    assert Notification.objects.filter(recipient=world.users["other_teacher"], kind="core.reply").exists()


def test_comments_are_not_shown_once_the_share_is_withdrawn(allied, client_for):
    world = allied
    r = approve(world, make_resource(world, title="区域共享后收回", visibility="region"))
    _post(client_for("other_teacher"), r, "外校老师的看法")
    comment = Comment.objects.get(body="外校老师的看法")
    svc.resource_set_visibility(actor=scope_of(world, "teacher"), resource=Resource.objects.get(pk=r.pk), visibility="school")
    # the other school no longer reads the resource, its thread, or can write in it
    assert client_for("other_teacher").get(f"/resources/{r.pk}/").status_code == 404
    assert _post(client_for("other_teacher"), r, "再来一条").status_code == 404
    # a reply to the outsider's comment does not notify them (they may not open the resource)
    Notification.objects.all().delete()
    assert _post(client_for("teacher"), r, "回复一下", parent=comment).status_code == 302
    assert not Notification.objects.filter(recipient=world.users["other_teacher"]).exists()
    # colleagues still read the thread
    assert "外校老师的看法" in client_for("colleague").get(f"/resources/{r.pk}/").content.decode()


def test_mentions_reach_only_people_who_may_open_the_resource(allied, client_for):
    world = allied
    r = approve(world, make_resource(world, title="提到同事", visibility="region"))
    # the alliance teacher mentions a colleague of her own school (who reads region shares too)
    # and 实验小学's 刘思雨 (the author)
    other_colleague = make_teacher(world.other_school, "032", "吴敏", since=dt.date(2014, 9, 1), birth=dt.date(1990, 1, 1))
    names = f"@{world.teacher.name} @{other_colleague.name}"
    assert _post(client_for("other_teacher"), r, f"{names} 一起看看").status_code == 302
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="core.mention").exists()
    assert Notification.objects.filter(recipient=other_colleague.user, kind="core.mention").exists()
    # a 本校 resource: mentioning another school's teacher tells nobody there
    mine = make_resource(world, title="本校资源", visibility="school")
    outsider = world.users["other_teacher"].teacher.name
    assert _post(client_for("colleague"), mine, f"@{outsider} 看看").status_code == 302
    assert not Notification.objects.filter(recipient=world.users["other_teacher"], kind="core.mention").exists()


def test_school_only_resource_refuses_another_schools_teacher(allied, client_for):
    world = allied
    for level in ("school", "group", "private"):
        kw = {"group": world.prep} if level == "group" else {}
        r = make_resource(world, title=f"仅{level}", visibility=level, **kw)
        assert _post(client_for("other_teacher"), r, "外校评论").status_code == 404
        assert client_for("other_teacher").get(f"/resources/{r.pk}/").status_code == 404
    # a region share still waiting for the school's approval reads as 本校: 404 too
    pending = make_resource(world, title="待审批的区域共享", visibility="region")
    assert _post(client_for("other_teacher"), pending, "外校评论").status_code == 404
    assert not Comment.objects.filter(body="外校评论").exists()
