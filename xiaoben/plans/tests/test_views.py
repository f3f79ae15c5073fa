"""Pages and API through every persona: who sees which plan, who edits, other school 404;
query budgets constant as plans and items grow; the token API with CSRF enforced."""

import pytest
from django.test import Client

from xiaoben.core.services import api_token_create
from xiaoben.core.testing import assert_queries
from xiaoben.plans import services
from xiaoben.plans.models import ItemOwner, Plan, PlanStatus

from .factories import fill, group_plan, personal_plan, school_plan, scope


@pytest.fixture
def plans(world):
    school = school_plan(world)
    fill(world, school, "dean")
    services.item_create(actor=scope(world, "dean"), plan=school, month=10, title="集体备课", kind="lesson_prep", owner=ItemOwner.GROUPS)
    chinese = group_plan(world)
    fill(world, chinese, "leader")
    math = group_plan(world, group=world.math, persona="dean")
    mine = personal_plan(world)
    fill(world, mine, "teacher")
    services.plan_submit(actor=scope(world, "teacher"), plan=mine)
    draft = personal_plan(world, persona="mentor")
    return {"school": school, "chinese": chinese, "math": math, "mine": mine, "draft": draft}


# persona → which plans they may open ("mine": the teacher's personal plan, handed in;
# "draft": the mentor's personal plan, still a draft — nobody else reads a draft)
SEES = {
    "platform_admin": {"school", "chinese", "math", "mine", "draft"},
    "principal": {"school", "chinese", "math", "mine"},
    "dean": {"school", "chinese", "math", "mine"},
    "leader": {"school", "chinese", "mine"},  # leads 语文组: its plan and its members' personal plans
    "mentor": {"school", "chinese", "mine", "draft"},  # member of 语文组, leads the 备课组 the teacher is in
    "teacher": {"school", "chinese", "mine"},
    "colleague": {"school", "math"},  # 数学组 member
    "other_teacher": set(),
    "researcher": set(),  # nothing submitted to the district yet
    "other_researcher": set(),
}
EDITS = {
    "platform_admin": {"school", "chinese", "math"},
    "principal": {"school", "chinese", "math"},
    "dean": {"school", "chinese", "math"},
    "leader": {"chinese"},
    "mentor": {"draft"},
    "teacher": set(),  # "mine" is handed in: read-only until sent back
    "colleague": set(),
    "other_teacher": set(),
    "researcher": set(),
    "other_researcher": set(),
}


@pytest.mark.parametrize("persona", list(SEES))
def test_permission_matrix_pages(world, plans, client_for, persona):
    c = client_for(persona)
    for name in ("school", "chinese", "math", "mine", "draft"):
        plan = plans[name]
        detail = c.get(f"/plans/{plan.pk}/")
        assert detail.status_code == (200 if name in SEES[persona] else 404), (persona, name, detail.status_code)
        edit = c.get(f"/plans/{plan.pk}/edit/")
        if name in EDITS[persona] and not (persona == "platform_admin" and name in ("mine", "draft")):
            assert edit.status_code == 200, (persona, name)
        else:
            assert edit.status_code in (403, 404), (persona, name, edit.status_code)
            if name not in SEES[persona]:
                assert edit.status_code == 404
        export = c.get(f"/plans/{plan.pk}/docx/")
        assert export.status_code == (200 if name in SEES[persona] else 404)
    listing = c.get("/plans/")
    assert listing.status_code == 200
    body = listing.content.decode()
    for name in ("chinese", "math", "mine", "draft"):
        assert (f"/plans/{plans[name].pk}/" in body) == (name in SEES[persona]), (persona, name)


def test_anonymous_is_sent_to_login(world, plans, client_for):
    c = client_for("anonymous")
    for url in ("/plans/", f"/plans/{plans['school'].pk}/", "/plans/new/", "/plans/import/"):
        assert c.get(url).status_code == 302


@pytest.mark.parametrize(
    "persona,status",
    [("teacher", 403), ("colleague", 404), ("other_teacher", 404), ("leader", 403), ("dean", 302)],
)
def test_post_routes_refuse_outsiders(world, plans, client_for, persona, status):
    """Submitting the 语文组 plan: a member sees it but may not submit (403 with the reason);
    a 数学 teacher and another school do not see it (404); the dean may; the leader
    cannot submit twice (403)."""
    c = client_for(persona)
    plan = plans["chinese"]
    if persona == "leader":
        services.plan_submit(actor=scope(world, "leader"), plan=plan)
    r = c.post(f"/plans/{plan.pk}/submit/")
    assert r.status_code == status


def test_teacher_cannot_touch_school_plan_items(world, plans, client_for):
    c = client_for("teacher")
    plan = plans["school"]
    item = plan.items.get()
    assert c.post(f"/plans/{plan.pk}/items/{item.pk}/mark/", {"state": "dropped", "note": "x"}).status_code == 403
    assert c.post(f"/plans/{plan.pk}/schedule/", {"month": 10}).status_code == 403
    assert client_for("other_teacher").post(f"/plans/{plan.pk}/schedule/", {"month": 10}).status_code == 404
    item.refresh_from_db()
    assert item.state == "open"


def test_review_page_flow_with_send_back(world, plans, client_for):
    plan = plans["chinese"]
    leader, dean = client_for("leader"), client_for("dean")
    assert leader.post(f"/plans/{plan.pk}/submit/").status_code == 302
    page = dean.get(f"/plans/{plan.pk}/").content.decode()
    assert 'data-testid="approve"' in page and 'data-testid="return"' in page
    dean.post(f"/plans/{plan.pk}/review/", {"decision": "return", "comment": "请补充每月安排"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED
    assert "请补充每月安排" in leader.get(f"/plans/{plan.pk}/").content.decode()
    leader.post(f"/plans/{plan.pk}/submit/")
    dean.post(f"/plans/{plan.pk}/review/", {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert leader.get(f"/plans/{plan.pk}/edit/").status_code == 403
    r = leader.post(f"/plans/{plan.pk}/new-version/")
    new = Plan.objects.get(supersedes=plan)
    assert r.status_code == 302 and r["Location"] == f"/plans/{new.pk}/edit/"


def test_edit_sections_and_insert_analysis(world, plans, client_for):
    plan = plans["school"]
    c = client_for("dean")
    section = plan.sections.get(key="guiding")
    r = c.post(
        f"/plans/{plan.pk}/edit/",
        {
            "title": "新标题",
            "version": plan.version,
            f"s{section.pk}-title": "指导思想",
            f"s{section.pk}-key": "guiding",
            f"s{section.pk}-body": "<p>以生为本</p><script>x</script>",
        },
    )
    assert r.status_code == 302
    section.refresh_from_db()
    assert section.body == "<p>以生为本</p>"
    assert c.post(f"/plans/{plan.pk}/analysis/").status_code == 302
    assert "专任教师" in plan.sections.get(key="analysis").body


def _grow(world, plans, n):
    dean = scope(world, "dean")
    for i in range(n):
        p = group_plan(world, group=world.math, persona="dean", title=f"数学组计划{i}")
        for m in (9, 10, 11):
            services.item_create(actor=dean, plan=p, month=m, title=f"集体备课{m}", kind="lesson_prep")
            services.item_create(actor=dean, plan=plans["school"], month=m, title=f"讲座{i}-{m}", kind="lecture")


def test_query_budgets_stay_constant(world, plans, client_for):
    c = client_for("dean")
    # measured: list 10, plan page 15, API list 8, API plan 10 (the home page, all apps' cards, 34)
    budgets = {"/plans/": 14, f"/plans/{plans['school'].pk}/": 20, "/api/v1/plans/": 12, f"/api/v1/plans/{plans['school'].pk}": 14, "/": 80}
    urls = list(budgets)
    before = {u: assert_queries(c, u, budget=budgets[u]) for u in urls}
    _grow(world, plans, 5)
    after = {u: assert_queries(c, u, budget=budgets[u]) for u in urls}
    for u in urls:
        assert after[u] == before[u], (u, before[u], after[u])


def test_home_cards_for_admin_and_leader(world, plans, client_for):
    dean = client_for("dean").get("/").content.decode()
    assert 'data-testid="plans-home-card"' in dean
    assert f"/plans/{plans['school'].pk}/" in dean and f"/plans/{plans['math'].pk}/" in dean
    leader = client_for("leader").get("/").content.decode()
    assert 'data-testid="plans-home-card"' in leader
    assert f"/plans/{plans['chinese'].pk}/" in leader and f"/plans/{plans['math'].pk}/" not in leader
    assert 'data-testid="plans-home-card"' not in client_for("teacher").get("/").content.decode()


def test_api_with_token_and_csrf(world, plans):
    _, raw = api_token_create(user=world.users["dean"], name="t")
    c = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    plan = plans["school"]
    r = c.get(f"/api/v1/plans/{plan.pk}", **auth)
    assert r.status_code == 200
    data = r.json()
    assert data["items"][0]["status"] == "not_yet" and data["progress"]["total"] == 1
    r = c.post(
        f"/api/v1/plans/{plan.pk}/items", {"title": "读书汇报会", "month": 12, "kind": "reading"}, content_type="application/json", **auth
    )
    assert r.status_code == 201
    item_id, version = r.json()["id"], r.json()["version"]
    patch = {"state": "dropped", "note": "并入下月", "version": version}
    r = c.patch(f"/api/v1/plans/items/{item_id}", patch, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["status"] == "dropped"
    r = c.post(f"/api/v1/plans/{plan.pk}/schedule", {"month": 10}, content_type="application/json", **auth)
    assert r.status_code == 200 and r.json()["created"] == 2  # 语文组 and 数学组
    assert c.get(f"/api/v1/plans/{plan.pk}/progress", **auth).json()["scheduled"] == 1
    # another school's teacher: 404; a teacher of this school may not write the school plan: 403
    _, other = api_token_create(user=world.users["other_teacher"], name="t")
    assert c.get(f"/api/v1/plans/{plan.pk}", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404
    _, mine = api_token_create(user=world.users["teacher"], name="t")
    r = c.post(
        f"/api/v1/plans/{plan.pk}/items", {"title": "x", "month": 12}, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {mine}"
    )
    assert r.status_code == 403
    listed = c.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {mine}").json()["items"]
    assert {p["id"] for p in listed} == {plans["school"].pk, plans["chinese"].pk, plans["mine"].pk}
    _, mentor = api_token_create(user=world.users["mentor"], name="t")
    listed = c.get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Bearer {mentor}").json()["items"]
    assert plans["draft"].pk in {p["id"] for p in listed}
    assert Client().get("/api/v1/plans/").status_code == 401


def test_district_sees_a_school_plan_once_submitted(world, plans, client_for):
    plan = plans["school"]
    assert client_for("researcher").get(f"/plans/{plan.pk}/").status_code == 404
    services.plan_submit(actor=scope(world, "dean"), plan=plan)
    page = client_for("researcher").get(f"/plans/{plan.pk}/")
    assert page.status_code == 200 and 'data-testid="acknowledge"' in page.content.decode()
    assert client_for("other_researcher").get(f"/plans/{plan.pk}/").status_code == 404
    assert client_for("researcher").get(f"/plans/{plans['chinese'].pk}/").status_code == 404


def test_plans_routes_are_in_the_openapi_schema(world, client_for):
    paths = client_for("dean").get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/plans/", "/api/v1/plans/{plan_id}", "/api/v1/plans/{plan_id}/progress", "/api/v1/plans/items/{item_id}"):
        assert path in paths, path
