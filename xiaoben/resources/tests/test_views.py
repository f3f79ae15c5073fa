"""Pages of the resource library: permission matrix, flows, query budgets."""

import pytest

from xiaoben.core.testing import assert_queries
from xiaoben.resources import services
from xiaoben.resources.models import Favourite, PrepLink, Resource

from .helpers import approve, make_resource, scope_of, text_upload

PERSONAS = [
    "platform_admin",
    "researcher",
    "other_researcher",
    "principal",
    "dean",
    "leader",
    "mentor",
    "teacher",
    "colleague",
    "other_teacher",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_argument_free_pages_answer_everyone(world, client_for, persona):
    make_resource(world, title="分数")
    c = client_for(persona)
    for url in ["/resources/", "/resources/?tab=mine", "/resources/?tab=region", "/resources/?tab=favourites", "/resources/search/?q=分数",
                "/resources/catalogue/?subject=数学", "/resources/showcase/", "/resources/public/", "/resources/search/suggest/?q=分数"]:  # fmt: skip
        assert c.get(url).status_code == 200, (persona, url)
    create = c.get("/resources/new/").status_code
    assert create == (200 if persona in ("principal", "dean", "leader", "mentor", "teacher", "colleague", "other_teacher") else 404)


def test_anonymous(world, client):
    r = approve(world, make_resource(world, title="公开课例", visibility="public"))
    private = make_resource(world, title="本校课例")
    assert client.get("/resources/public/").status_code == 200
    assert "公开课例" in client.get(f"/resources/public/{world.school.pk}/").content.decode()
    assert client.get(f"/resources/{r.pk}/").status_code == 200
    assert client.get(f"/resources/{private.pk}/").status_code == 302  # to sign in, no hint it exists
    assert client.get("/resources/").status_code == 302
    body = client.get("/resources/search/", {"q": "课例"}).content.decode()
    assert "公开<mark>课例</mark>" in body and "本校" not in body and "共 1 条结果" in body


def test_upload_through_the_page(world, client_for, django_capture_on_commit_callbacks):
    c = client_for("teacher")
    with django_capture_on_commit_callbacks(execute=True):
        resp = c.post(
            "/resources/new/",
            {
                "kind": "exercise",
                "title": "分数单元作业",
                "subject": "数学",
                "grade": 3,
                "edition": "pep",
                "visibility": "region",
                "other": text_upload(),
            },
        )
    assert resp.status_code == 302
    r = Resource.objects.get(title="分数单元作业")
    assert r.share_state == "pending" and r.files.count() == 1
    # The admins got the approval request; the principal approves on the page.
    assert world.users["principal"].notifications.filter(kind="resources.share_requested").exists()
    assert client_for("principal").post(f"/resources/{r.pk}/share/decide/", {"approve": "1"}).status_code == 302
    r.refresh_from_db()
    assert r.share_state == "approved"


def test_bad_upload_shows_message_and_saves_nothing(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("teacher")
    resp = c.post(
        "/resources/new/", {"kind": "other", "title": "坏文件", "visibility": "school", "other": SimpleUploadedFile("a.exe", b"MZ\x00\x00")}
    )
    assert resp.status_code == 200 and "类型不被接受" in resp.content.decode()
    assert not Resource.all_objects.filter(title="坏文件").exists()


def test_writes_of_others_are_refused(world, client_for):
    r = make_resource(world, title="刘思雨的")
    assert client_for("colleague").post(f"/resources/{r.pk}/share/", {"visibility": "private"}).status_code == 403
    assert client_for("other_teacher").post(f"/resources/{r.pk}/share/", {"visibility": "private"}).status_code == 404
    assert client_for("colleague").post(f"/resources/{r.pk}/delete/").status_code == 403
    assert client_for("teacher").post(f"/resources/{r.pk}/share/decide/", {"approve": "1"}).status_code == 403
    assert client_for("colleague").get(f"/resources/{r.pk}/edit/").status_code == 404


def test_favourite_comment_and_prep_link(world, client_for):
    from xiaoben.activities.models import LessonPrep

    r = make_resource(world, title="收藏我")
    c = client_for("mentor")
    c.post(f"/resources/{r.pk}/favourite/")
    assert Favourite.objects.filter(resource=r, user=world.users["mentor"]).exists()
    c.post(f"/resources/{r.pk}/favourite/")
    assert not Favourite.objects.filter(resource=r).exists()
    resp = c.post(f"/comments/{_ct(r)}/{r.pk}/", {"body": f"很好 @{world.teacher.name}", "next": f"/resources/{r.pk}/"})
    assert resp.status_code == 302
    assert world.users["teacher"].notifications.filter(kind="core.mention").exists()
    prep = LessonPrep.objects.create(school=world.school, term=world.term, group=world.prep, title="第八单元备课", lead=world.mentor)
    assert c.post(f"/resources/{r.pk}/prep/", {"prep": prep.pk}).status_code == 302
    assert PrepLink.objects.filter(resource=r, prep=prep).exists()
    assert "第八单元备课" in c.get(f"/resources/{r.pk}/").content.decode()


def _ct(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk


def test_publish_activity_and_origin_through_the_door(world, client_for):
    from xiaoben.activities.models import Activity, Attendance

    a = Activity.objects.create(
        school=world.school,
        term=world.term,
        kind="open_lesson",
        lesson_kind="demo",
        title="示范课《搭船的鸟》",
        status="recorded",
        host=world.mentor,
    )
    Attendance.objects.create(activity=a, teacher=world.teacher, status="present")
    c = client_for("mentor")
    assert c.get(f"/resources/publish/activity/{a.pk}/").status_code == 200
    assert c.post(f"/resources/publish/activity/{a.pk}/", {"visibility": "region"}).status_code == 302
    r = Resource.objects.get(origin_id=a.pk)
    assert r.origin_stats["出席人数"] == 1 and r.share_state == "pending"
    approve(world, r)
    assert f"/activities/{a.pk}/" in client_for("teacher").get(f"/resources/{r.pk}/").content.decode()
    # The researcher of the district sees the resource; the activity too (region school) — the other district's
    # teacher of an alliance school reads the resource but not the activity: told, not linked.
    world.other_school.alliances.add(world.alliance)
    page = client_for("other_teacher").get(f"/resources/{r.pk}/").content.decode()
    assert "你无权查看的记录" in page and f"/activities/{a.pk}/" not in page
    assert client_for("colleague").get(f"/resources/publish/activity/{a.pk}/").status_code == 200  # sees, may not publish
    assert client_for("colleague").post(f"/resources/publish/activity/{a.pk}/", {}).status_code == 403


def test_query_budgets(world, client_for):
    for i in range(3):
        r = make_resource(world, title=f"分数资源{i}", files=[(text_upload(), "other")])
    c = client_for("teacher")
    pages = ["/resources/", "/resources/search/?q=%E5%88%86%E6%95%B0%E8%B5%84%E6%BA%90", f"/resources/{r.pk}/", "/resources/showcase/"]
    for u in pages:
        c.get(u)  # warm the per-process content-type cache
    first = {u: assert_queries(c, u, budget=30) for u in pages}
    for i in range(15):
        make_resource(world, title=f"分数资源B{i}", files=[(text_upload(), "other")])
        services.favourite_toggle(actor=scope_of(world, "teacher"), resource=Resource.objects.last())
    for u in pages:
        assert assert_queries(c, u, budget=30) == first[u], u
    assert_queries(client_for("researcher"), "/resources/search/?q=%E5%88%86%E6%95%B0", budget=20)
