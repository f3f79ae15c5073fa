"""Pages and API: the permission matrix (every persona × every route), query budgets that do
not grow with the data, API with a personal token and CSRF enforced."""

import datetime as dt

import pytest
from django.test import Client

from xiaoben.core.services import api_token_create
from xiaoben.core.testing import assert_queries
from xiaoben.org.testing import PERSONAS
from xiaoben.research.models import Achievement, AchievementStatus, DocKind, Stage
from xiaoben.research.services_achievements import reward_rules_defaults

from .factories import achievement, advance, png, project, upload_doc, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    reward_rules_defaults(school=world.school)
    published = project(world, level="province", title="校内公开的省级课题", members=[world.teacher])
    doc = upload_doc(world, published, DocKind.APPLICATION, persona="leader")
    private = project(world, level="school", title="仅课题组可见", members=[world.teacher], visibility="members")
    regional = project(world, level="county", title="向区域公开", visibility="region")
    a = achievement(world, verify=False)
    return {"published": published, "private": private, "regional": regional, "doc": doc, "achievement": a}


def _matrix(client_for, url, expect: dict):
    got = {}
    for persona in ["anonymous", *PERSONAS]:
        r = client_for(persona).get(url)
        got[persona] = r.status_code
    want = {p: expect.get(p, 404) for p in got}
    want["anonymous"] = 302
    assert got == want, url


def test_permission_matrix(world, client_for, rows):
    admins = {"principal": 200, "dean": 200, "platform_admin": 200}
    school_all = admins | {"leader": 200, "mentor": 200, "teacher": 200, "colleague": 200}
    _matrix(client_for, "/research/projects/", school_all | {"other_teacher": 200, "researcher": 200, "other_researcher": 200})
    p = rows["published"]
    _matrix(client_for, f"/research/projects/{p.pk}/", school_all)
    _matrix(client_for, f"/research/documents/{rows['doc'].pk}/", school_all)
    # Members see their project; other teachers of the school only what the school publishes.
    _matrix(client_for, f"/research/projects/{rows['private'].pk}/", admins | {"leader": 200, "teacher": 200})
    _matrix(client_for, f"/research/projects/{rows['regional'].pk}/", school_all | {"researcher": 200})
    _matrix(client_for, f"/research/projects/{p.pk}/edit/", admins | {"leader": 200})
    _matrix(
        client_for,
        "/research/projects/new/",
        {"principal": 200, "dean": 200, "leader": 200, "mentor": 200, "teacher": 200, "colleague": 200, "other_teacher": 200},
    )
    a = rows["achievement"]
    _matrix(client_for, f"/research/achievements/{a.pk}/", admins | {"teacher": 200})
    _matrix(client_for, f"/research/achievements/{a.pk}/evidence/", admins | {"teacher": 200})
    _matrix(client_for, f"/research/achievements/{a.pk}/edit/", admins | {"teacher": 200})
    _matrix(client_for, f"/research/teachers/{world.teacher.pk}/", admins | {"teacher": 200})
    teachers = {"principal": 200, "dean": 200, "leader": 200, "mentor": 200, "teacher": 200, "colleague": 200, "other_teacher": 200}
    _matrix(client_for, "/research/", teachers)
    _matrix(client_for, "/research/achievements/new/", teachers)
    for url in ("/research/school/", "/research/school/export/", "/research/import/", "/research/rules/"):
        _matrix(client_for, url, {"principal": 200, "dean": 200})
    _matrix(client_for, "/research/region/", {"researcher": 200, "other_researcher": 200, "platform_admin": 200})


def test_post_routes_across_personas(world, client_for, rows):
    a = rows["achievement"]
    assert client_for("other_teacher").post(f"/research/achievements/{a.pk}/verify/").status_code == 404
    assert client_for("researcher").post(f"/research/achievements/{a.pk}/verify/").status_code == 404
    assert client_for("teacher").post(f"/research/achievements/{a.pk}/verify/").status_code == 403  # sees it, may not
    assert client_for("teacher").post(f"/research/achievements/{a.pk}/return/", {"reason": "x"}).status_code == 403
    a.refresh_from_db()
    assert a.status == AchievementStatus.PENDING
    assert client_for("dean").post(f"/research/achievements/{a.pk}/verify/").status_code == 302
    a.refresh_from_db()
    assert a.status == AchievementStatus.VERIFIED
    p = rows["published"]
    assert client_for("other_teacher").post(f"/research/projects/{p.pk}/advance/", {"to_stage": "approved"}).status_code == 404
    assert client_for("leader").post(f"/research/projects/{p.pk}/advance/", {"to_stage": "approved"}).status_code == 403
    assert client_for("colleague").post(f"/research/projects/{p.pk}/documents/", {"kind": "approval", "file": png()}).status_code == 403
    assert client_for("mentor").post(f"/research/projects/{p.pk}/delete/").status_code == 403
    assert client_for("other_teacher").post(f"/research/projects/{p.pk}/delete/").status_code == 404
    # The dean's move without the 立项通知 is refused with the reason shown; nothing moves.
    r = client_for("dean").post(f"/research/projects/{p.pk}/advance/", {"to_stage": "approved", "decision": "浙规〔2026〕1号"}, follow=True)
    assert "立项通知" in r.content.decode()
    p.refresh_from_db()
    assert p.stage == Stage.APPLIED


def test_teacher_submits_on_phone_form_and_dean_verifies(world, client_for):
    c = client_for("teacher")
    page = c.get("/research/achievements/new/").content.decode()
    assert 'accept="image/*"' in page and "capture" in page
    r = c.post(
        "/research/achievements/new/",
        {
            "kind": "lesson_award",
            "title": "《秋天》优质课",
            "level": "county",
            "rank": "first",
            "issuer": "南湖区教育局",
            "date": "2026-11-02",
            "evidence": png(),
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Achievement.objects.get(title="《秋天》优质课")
    assert a.status == AchievementStatus.PENDING and list(a.credits.values_list("teacher_id", flat=True)) == [world.teacher.pk]
    # a wrong file: Chinese message, nothing saved
    r = c.post(
        "/research/achievements/new/",
        {
            "kind": "lesson_award",
            "title": "坏文件",
            "level": "county",
            "rank": "first",
            "issuer": "x",
            "date": "2026-11-02",
            "evidence": xlsx([["a"]]),
        },
    )
    assert r.status_code == 200 and "类型不被接受" in r.content.decode()
    assert not Achievement.objects.filter(title="坏文件").exists()
    r = c.post(
        "/research/achievements/new/",
        {"kind": "lesson_award", "title": "没有证书", "level": "county", "rank": "first", "issuer": "x", "date": "2026-11-02"},
    )
    assert r.status_code == 200 and "请上传证书" in r.content.decode()
    assert not Achievement.objects.filter(title="没有证书").exists()
    client_for("dean").post(f"/research/achievements/{a.pk}/verify/")
    a.refresh_from_db()
    assert a.is_verified
    assert "1" in client_for("teacher").get("/research/").content.decode()


def test_leader_uploads_opening_report_and_dean_moves_to_opened(world, client_for):
    p = project(world, level="school")
    upload_doc(world, p, DocKind.APPLICATION)
    advance(world, p, Stage.APPROVED)
    from .factories import pdf

    r = client_for("leader").post(f"/research/projects/{p.pk}/documents/", {"kind": "opening", "file": pdf("开题报告.pdf")})
    assert r.status_code == 302
    r = client_for("dean").post(f"/research/projects/{p.pk}/advance/", {"to_stage": "opened", "entered_on": "2026-11-18"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert p.stage == Stage.OPENED


def test_import_reports_row_and_column_nothing_half_saved(world, client_for):
    head = ["工号", "姓名", "类别", "名称", "级别", "等次", "颁发单位", "日期", "合作者工号"]
    bad = xlsx(
        [
            head,
            ["X009", "刘思雨", "论文获奖", "好论文", "市级", "一等奖", "嘉兴市教育学会", "2025-06-01", ""],
            ["999", "无名", "论文获奖", "x", "火星级", "一等奖", "y", "2025-13-01", ""],
        ]
    )
    r = client_for("dean").post("/research/import/", {"file": bad})
    body = r.content.decode()
    assert "第3行" in body and "「工号」999" in body and "「级别」" in body and "「日期」" in body
    assert Achievement.objects.count() == 0
    good = xlsx(
        [
            head,
            ["X009", "刘思雨", "论文获奖", "好论文", "市级", "一等奖", "嘉兴市教育学会", "2025-06-01", "X004"],
            ["X004", "陈芳", "荣誉称号", "县级骨干教师", "县级", "", "南湖区教育局", "2024-09-10", ""],
        ]
    )
    r = client_for("dean").post("/research/import/", {"file": good})
    assert r.status_code == 302
    assert Achievement.objects.filter(status="verified").count() == 2
    joint = Achievement.objects.get(title="好论文")
    assert joint.credits.count() == 2
    from xiaoben.org.models import TeacherHonour

    assert TeacherHonour.objects.filter(teacher=world.mentor, level="county", kind="backbone").exists()
    good.seek(0)
    client_for("dean").post("/research/import/", {"file": good})
    assert Achievement.objects.count() == 2  # same file twice: nothing twice


def test_export_xlsx_counts(world, client_for):
    import io

    from openpyxl import load_workbook

    achievement(world, teachers=[world.teacher, world.mentor])
    r = client_for("dean").get("/research/school/export/")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb["成果与荣誉"]
    assert ws.max_row == 2 and "刘思雨" in ws.cell(2, 7).value and "陈芳" in ws.cell(2, 7).value


def _more(world, n):
    for i in range(n):
        p = project(world, level="school", title=f"课题{i}", members=[world.teacher, world.mentor])
        upload_doc(world, p, DocKind.APPLICATION)
        achievement(world, teachers=[world.teacher, world.mentor], title=f"论文{i}")


@pytest.mark.parametrize(
    "persona,url,budget",
    [
        ("teacher", "/research/", 14),
        ("dean", "/research/school/", 20),
        ("teacher", "/research/projects/", 14),
        ("researcher", "/research/region/", 12),
        ("dean", "/research/rules/", 12),
    ],
)
def test_query_budgets_constant(world, client_for, persona, url, budget):
    _more(world, 2)
    first = assert_queries(client_for(persona), url, budget=budget)
    _more(world, 4)
    assert assert_queries(client_for(persona), url, budget=budget) == first


def test_project_detail_query_budget(world, client_for):
    p = project(world, level="school", members=[world.teacher, world.mentor, world.colleague])
    for k in (DocKind.APPLICATION, DocKind.OTHER):
        upload_doc(world, p, k)
    first = assert_queries(client_for("teacher"), f"/research/projects/{p.pk}/", budget=30)
    for k in (DocKind.OTHER, DocKind.OTHER, DocKind.OTHER):
        upload_doc(world, p, k)
    assert assert_queries(client_for("teacher"), f"/research/projects/{p.pk}/", budget=30) == first


def _api(world, persona):
    _token, raw = api_token_create(user=world.users[persona], name="t")
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_api_achievements_submit_verify_return(world):
    t = _api(world, "teacher")
    r = t.post(
        "/api/v1/research/achievements",
        {
            "kind": "paper_award",
            "title": "API 论文",
            "level": "city",
            "rank": "second",
            "issuer": "嘉兴市教育学会",
            "date": "2026-10-01",
            "evidence": png(),
        },
    )
    assert r.status_code == 201, r.content
    aid = r.json()["id"]
    assert r.json()["status"] == "pending"
    # the schema reads the model: display labels, the award, the evidence flag and the credits
    out = r.json()
    assert (out["kind_display"], out["status_display"], out["has_evidence"]) == ("论文获奖", "待审核", True)
    assert out["award"] and out["project_id"] is None
    assert [(c["teacher_id"], c["teacher_name"]) for c in out["credits"]] == [(world.teacher.pk, world.teacher.name)]
    assert t.post(f"/api/v1/research/achievements/{aid}/verify").status_code == 403
    assert _api(world, "other_teacher").get(f"/api/v1/research/achievements/{aid}").status_code == 404
    d = _api(world, "dean")
    r = d.post(f"/api/v1/research/achievements/{aid}/return", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "退回理由" in r.json()["detail"]
    r = d.post(f"/api/v1/research/achievements/{aid}/verify")
    assert r.status_code == 200 and r.json()["status"] == "verified"
    assert [a["id"] for a in t.get("/api/v1/research/achievements").json()["items"]] == [aid]
    assert _api(world, "colleague").get("/api/v1/research/achievements").json()["items"] == []


def test_api_projects_stage_flow(world):
    d = _api(world, "dean")
    r = d.post(
        "/api/v1/research/projects",
        {"title": "API 课题", "level": "school", "leader_id": world.leader.pk, "member_ids": [world.teacher.pk]},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["stage"] == "applied" and r.json()["next_stages"][0] == "approved"
    out = r.json()
    assert (out["leader_id"], out["leader_name"], out["member_ids"]) == (world.leader.pk, world.leader.name, [world.teacher.pk])
    assert (out["level_display"], out["stage_display"]) == ("校级", "申报")
    r = d.post(f"/api/v1/research/projects/{pid}/stages", {"to_stage": "approved"}, content_type="application/json")
    assert r.status_code == 400 and "申报书" in r.json()["detail"]
    from .factories import pdf

    r = _api(world, "teacher").post(f"/api/v1/research/projects/{pid}/documents", {"kind": "application", "file": pdf()})
    assert r.status_code == 201
    assert r.json()["kind"] == "application" and r.json()["kind_display"] and r.json()["uploaded_at"]
    assert [x["id"] for x in d.get(f"/api/v1/research/projects/{pid}/documents").json()] == [r.json()["id"]]
    assert (
        _api(world, "leader")
        .post(f"/api/v1/research/projects/{pid}/stages", {"to_stage": "approved"}, content_type="application/json")
        .status_code
        == 403
    )
    r = d.post(f"/api/v1/research/projects/{pid}/stages", {"to_stage": "approved"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["stage"] == "approved" and r.json()["stage_display"] == "立项"
    assert _api(world, "other_teacher").get(f"/api/v1/research/projects/{pid}").status_code == 404
    assert [p["id"] for p in _api(world, "teacher").get("/api/v1/research/projects?mine=true").json()["items"]] == [pid]
    assert dt.date.fromisoformat(d.get(f"/api/v1/research/projects/{pid}/stages").json()[-1]["entered_on"]) == world.today


def test_api_routes_in_openapi_schema(world, client_for):
    paths = client_for("dean").get("/api/v1/openapi.json").json()["paths"]
    for p in (
        "/api/v1/research/projects",
        "/api/v1/research/projects/{project_id}/stages",
        "/api/v1/research/projects/{project_id}/documents",
        "/api/v1/research/achievements",
        "/api/v1/research/achievements/{achievement_id}/verify",
        "/api/v1/research/achievements/{achievement_id}/return",
    ):
        assert p in paths, p


def test_leader_links_an_activity_and_the_project_lists_it(world, client_for):
    from xiaoben.activities.models import Activity

    p = project(world, level="school")
    a = Activity.objects.create(school=world.school, term=world.term, kind="seminar", title="课题研讨：整本书阅读")
    other = Activity.objects.create(school=world.other_school, term=world.other_term, kind="seminar", title="外校活动")
    assert client_for("colleague").post(f"/research/projects/{p.pk}/activities/", {"activity": a.pk}).status_code == 403
    assert client_for("leader").post(f"/research/projects/{p.pk}/activities/", {"activity": other.pk}).status_code == 404
    assert client_for("leader").post(f"/research/projects/{p.pk}/activities/", {"activity": a.pk}).status_code == 302
    a.refresh_from_db()
    assert a.project_id == p.pk
    page = client_for("teacher").get(f"/research/projects/{p.pk}/")
    assert "课题研讨：整本书阅读" in page.content.decode()
    assert page.context["linked"]["activities"]["total"] == 1


def test_member_from_another_school_reads_only_and_their_colleagues_see_nothing(world, client_for):
    """A teacher of another school of the district in the 课题组 opens the project and its
    documents, changes nothing; the other teachers of that school get 404 everywhere."""
    from xiaoben.org.models import School
    from xiaoben.org.testing import make_teacher

    from .factories import pdf

    neighbour = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    guest = make_teacher(neighbour, "050", "钱多多", since=dt.date(2010, 9, 1), birth=dt.date(1985, 1, 1))
    stranger = make_teacher(neighbour, "051", "孙一凡", since=dt.date(2012, 9, 1), birth=dt.date(1988, 1, 1))
    p = project(world, level="county", members=[guest], visibility="region")
    doc = upload_doc(world, p, DocKind.APPLICATION)
    g, s = Client(), Client()
    g.force_login(guest.user)
    s.force_login(stranger.user)

    r = g.get(f"/research/projects/{p.pk}/")
    assert r.status_code == 200
    assert r.context["read_only_member"] and not r.context["can_upload"] and not r.context["can_edit"]
    assert r.context["advance_form"] is None and "外校成员" in r.content.decode()
    assert g.get(f"/research/documents/{doc.pk}/").status_code == 200
    assert p.pk in [x.pk for x in g.get("/research/projects/").context["page"]]
    assert g.post(f"/research/projects/{p.pk}/documents/", {"kind": "opening", "file": pdf()}).status_code == 403
    assert g.get(f"/research/projects/{p.pk}/edit/").status_code in (403, 404)
    assert g.post(f"/research/projects/{p.pk}/advance/", {"to_stage": "approved"}).status_code == 403
    assert p.documents.count() == 1

    for url in (f"/research/projects/{p.pk}/", f"/research/documents/{doc.pk}/", f"/research/projects/{p.pk}/edit/"):
        assert s.get(url).status_code == 404, url
    assert s.post(f"/research/projects/{p.pk}/documents/", {"kind": "opening", "file": pdf()}).status_code == 404
    assert p.pk not in [x.pk for x in s.get("/research/projects/").context["page"]]
    _token, raw = api_token_create(user=stranger.user, name="t")
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/v1/research/projects/{p.pk}").status_code == 404
    assert api.get(f"/api/v1/research/projects/{p.pk}/stages").status_code == 404
    _token, raw = api_token_create(user=guest.user, name="t")
    api = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/v1/research/projects/{p.pk}").status_code == 200


def test_project_lists_its_activities_observations_and_writings_through_the_door(world, client_for):
    """课题研讨: the observations and writings made in the project's activities are listed;
    what the viewer may not open is only counted."""
    from tests.factories import activity, observation, writing

    p = project(world, level="school", members=[world.teacher])
    act = activity(world.school, "seminar", dt.date(2026, 11, 10), term=world.term, host=world.leader)
    act.project = p
    act.save(update_fields=["project"])
    unrelated = activity(world.school, "seminar", dt.date(2026, 11, 11), term=world.term)
    obs = observation(world.teacher, world.mentor, dt.date(2026, 11, 10), term=world.term, title="整本书阅读课例")
    obs.activity = act
    obs.save(update_fields=["activity"])
    w = writing(world.teacher, "reflection", dt.date(2026, 11, 12), term=world.term)
    w.activity = act
    w.save(update_fields=["activity"])
    observation(world.teacher, world.mentor, dt.date(2026, 11, 10), term=world.term, title="别的课").__class__.objects.filter(
        lesson_title="别的课"
    ).update(activity=unrelated)

    linked = client_for("dean").get(f"/research/projects/{p.pk}/").context["linked"]
    assert [a.pk for a in linked["activities"]["rows"]] == [act.pk]
    assert [o.pk for o in linked["observations"]["rows"]] == [obs.pk]
    assert [x.pk for x in linked["writings"]["rows"]] == [w.pk]
    page = client_for("teacher").get(f"/research/projects/{p.pk}/")
    assert w.title in page.content.decode()
    assert page.context["linked"]["observations"]["total"] == 1
    # Another teacher of the school who may not open the writing sees it counted, not listed.
    other = client_for("colleague").get(f"/research/projects/{p.pk}/").context["linked"]
    assert other["writings"]["total"] == 1
    assert len(other["writings"]["rows"]) + other["writings"]["hidden"] == 1


def test_joint_work_with_shares_from_the_form_and_the_api(world, client_for):
    """Shares for joint work: given in the order of the list (工号), as 0.6、0.4 or 60、40; wrong
    ones are refused in Chinese and nothing is saved; verified points follow the shares."""
    from decimal import Decimal

    from xiaoben.research.services_achievements import reward_rules_defaults

    reward_rules_defaults(school=world.school)  # 市级一等奖 4分
    base = {"kind": "paper_award", "level": "city", "rank": "first", "issuer": "嘉兴市教育学会", "date": "2026-10-08"}
    c = client_for("teacher")
    both = [world.mentor.pk, world.teacher.pk]  # the list is in 工号 order: 012 陈芳, 031 刘思雨
    r = c.post("/research/achievements/new/", base | {"title": "份额不对", "teachers": both, "shares": "0.7、0.7", "evidence": png()})
    assert r.status_code == 200 and "合计为 1" in r.content.decode()
    r = c.post("/research/achievements/new/", base | {"title": "份额不是数", "teachers": both, "shares": "一半", "evidence": png()})
    assert r.status_code == 200 and "份额请填数字" in r.content.decode()
    assert not Achievement.objects.filter(title__startswith="份额").exists()
    r = c.post("/research/achievements/new/", base | {"title": "合作论文", "teachers": both, "shares": "60、40", "evidence": png()})
    assert r.status_code == 302
    a = Achievement.objects.get(title="合作论文")
    assert {cr.teacher_id: cr.share for cr in a.credits.all()} == {world.mentor.pk: Decimal("0.6"), world.teacher.pk: Decimal("0.4")}
    assert client_for("dean").post(f"/research/achievements/{a.pk}/verify/").status_code == 302
    assert {cr.teacher_id: cr.points for cr in a.credits.all()} == {world.mentor.pk: Decimal("2.40"), world.teacher.pk: Decimal("1.60")}
    assert "0.6、0.4" in client_for("dean").get(f"/research/achievements/{a.pk}/edit/").content.decode()

    t = _api(world, "teacher")
    r = t.post(
        "/api/v1/research/achievements",
        base | {"title": "API 合作", "teacher_ids": [world.teacher.pk, world.mentor.pk], "shares": [0.75, 0.25], "evidence": png()},
    )
    assert r.status_code == 201, r.content
    assert [(x["teacher_id"], x["share"]) for x in r.json()["credits"]] == [(world.teacher.pk, "0.75"), (world.mentor.pk, "0.25")]
    r = t.post(
        "/api/v1/research/achievements",
        base | {"title": "API 坏份额", "teacher_ids": [world.teacher.pk, world.mentor.pk], "shares": [0.5], "evidence": png()},
    )
    assert r.status_code == 400 and "份额" in r.json()["detail"]


@pytest.mark.parametrize(
    "persona,url,budget",
    [
        ("dean", "/research/teachers/{teacher}/", 16),
        ("dean", "/research/school/?status=pending", 20),
        ("teacher", "/api/v1/research/projects", 12),
        ("teacher", "/api/v1/research/achievements", 12),
        ("dean", "/api/v1/research/achievements", 12),
    ],
)
def test_query_budgets_teacher_page_and_api_lists(world, client_for, persona, url, budget):
    url = url.format(teacher=world.teacher.pk)
    c = _api(world, persona) if url.startswith("/api/") else client_for(persona)
    _more(world, 2)
    achievement(world, verify=False, title="待审核一")
    c.get(url)  # the token's first use of the day is written down once
    first = assert_queries(c, url, budget=budget)
    _more(world, 4)
    achievement(world, verify=False, title="待审核二")
    assert assert_queries(c, url, budget=budget) == first
