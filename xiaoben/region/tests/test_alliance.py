"""教研联盟: who opens an alliance's page (the region's 教研员, its schools' admins; nobody else:
404), what it shows (schools, lead school, activities, shared resources, a comparison of the
members for the 教研员 and the lead school), the lead school runs alliance activities (its
schools' teachers only), and constant queries at 3 and 20 member schools."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities import predicates
from xiaoben.activities.models import Activity, Attendance
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.org.models import School
from xiaoben.region import services
from xiaoben.region.models import Alliance
from xiaoben.region.tests.test_home import _add_schools

pytestmark = pytest.mark.django_db

BUDGET = 53  # +1: the schools' 学时 targets (requirement rows); +12: the kept 学时 totals made on a first look (requirements.kept); +8: the kept per-school tallies made (region.tally)


def _second_member(world) -> School:
    _add_schools(world, 1)
    s = School.objects.get(code="T-N0")
    s.alliances.add(world.alliance)
    return s


def test_who_opens_the_alliance(world, client_for):
    url = reverse("region:alliance", args=[world.alliance.pk])
    for persona in ["researcher", "principal", "dean", "platform_admin"]:
        assert client_for(persona).get(url).status_code == 200, persona
    for persona in ["teacher", "leader", "other_teacher", "other_researcher"]:
        assert client_for(persona).get(url).status_code == 404, persona
    assert client_for("researcher").get(reverse("region:alliance", args=[world.district.pk])).status_code == 404  # not an alliance
    lst = reverse("region:alliances")
    assert [a.pk for a in client_for("researcher").get(lst).context["alliances"]] == [world.alliance.pk]
    assert [a.pk for a in client_for("dean").get(lst).context["alliances"]] == [world.alliance.pk]
    assert list(client_for("other_researcher").get(lst).context["alliances"]) == []
    assert client_for("teacher").get(lst).status_code == 404
    edit = reverse("region:alliance_edit", args=[world.alliance.pk])
    assert client_for("researcher").get(edit).status_code == 200
    for persona in ["principal", "dean", "other_researcher", "teacher"]:
        assert client_for(persona).get(edit).status_code == 404, persona


def test_page_shows_schools_activities_resources_and_comparison(world, client_for):
    from xiaoben.resources.models import Resource

    other = _second_member(world)
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    Activity.objects.create(region=world.alliance, kind="regional", title="【联盟教研】整本书阅读", starts_at=timezone.now())
    up = world.user("principal")
    Resource.objects.create(
        school=other, title="联盟共享课件", kind="courseware", visibility="region", share_state="approved", uploaded_by=up
    )
    Resource.objects.create(school=other, title="本校资源", kind="courseware", visibility="school", uploaded_by=up)
    url = reverse("region:alliance", args=[world.alliance.pk])
    r = client_for("researcher").get(url)
    body = r.content.decode()
    assert [s.pk for s in r.context["members"]] == sorted([world.school.pk, other.pk], key=lambda pk: School.objects.get(pk=pk).name)
    assert "整本书阅读" in body and "联盟共享课件" in body and "本校资源" not in body
    assert r.context["lead_id"] == world.school.pk
    assert {row["school"].pk for row in r.context["data"]["rows"]} == {world.school.pk, other.pk}
    # the lead school's admin sees the members' aggregates (no drill-down); the other member's admin does not
    lead = client_for("dean").get(url)
    assert lead.context["data"] is not None and lead.context["can_run"]
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=other)
    plain = client_for("dean").get(url)
    assert plain.context["data"] is None and not plain.context["can_run"]
    assert 'data-testid="alliance-compare"' not in plain.content.decode()


def test_lead_school_must_be_a_member_and_only_the_researcher_sets_it(world):
    with pytest.raises(ValidationError):
        services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.other_school)
    with pytest.raises(NotPermitted):
        services.alliance_update(actor=scope_for(world.user("principal")), alliance=world.alliance, lead_school=world.school)
    with pytest.raises(NotPermitted):
        services.alliance_update(actor=scope_for(world.user("other_researcher")), alliance=world.alliance, lead_school=world.school)


def _when():
    start = timezone.now() + dt.timedelta(days=2)
    return {"starts_at": start, "ends_at": start + dt.timedelta(hours=2), "place": "实验小学报告厅"}


def test_lead_school_runs_an_alliance_activity_for_its_schools(world, client_for):
    other = _second_member(world)
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    dean = scope_for(world.user("dean"))
    guest = other.teachers.first()
    a = services.regional_activity_create(
        actor=dean,
        alliance=world.alliance,
        title="整本书阅读教学",
        host=world.leader,
        recorder=guest,
        school_ids=[other.pk],
        teacher_ids=[world.mentor.pk],
        **_when(),
    )
    assert a.region_id == world.alliance.pk and a.school_id is None and a.title.startswith("【联盟教研】")
    invited = set(Attendance.objects.filter(activity=a).values_list("teacher_id", flat=True))
    assert world.mentor.pk in invited and guest.pk in invited
    assert predicates.can_manage(dean, a)  # the lead school runs it
    assert client_for("dean").get(reverse("activities:detail", args=[a.pk])).status_code == 200
    # a school outside the alliance cannot be invited; a member school that does not lead cannot create
    with pytest.raises(NotPermitted):
        services.regional_activity_create(
            actor=dean,
            alliance=world.alliance,
            title="x",
            host=world.leader,
            recorder=world.leader,
            school_ids=[world.other_school.pk],
            **_when(),
        )
    with pytest.raises(ValidationError):
        services.regional_activity_create(
            actor=dean,
            alliance=world.alliance,
            title="x",
            host=world.other_teacher,
            recorder=world.leader,
            school_ids=[other.pk],
            **_when(),
        )
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=other)
    dean = scope_for(world.user("dean"))
    assert not predicates.can_manage(dean, a)
    with pytest.raises(NotPermitted):
        services.regional_activity_create(
            actor=dean,
            alliance=world.alliance,
            title="x",
            host=world.leader,
            recorder=world.leader,
            school_ids=[world.school.pk],
            **_when(),
        )
    form = reverse("region:activity_create") + f"?alliance={world.alliance.pk}"
    assert client_for("dean").get(form).status_code == 404
    assert client_for("researcher").get(form).status_code == 200
    assert client_for("researcher").get(reverse("region:activity_create") + "?alliance=abc").status_code == 404


def test_alliance_activity_form_posts(world, client_for):
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    when = timezone.localtime(timezone.now() + dt.timedelta(days=3))
    url = reverse("region:activity_create") + f"?alliance={world.alliance.pk}"
    r = client_for("principal").post(
        url,
        {
            "cross_kind": "alliance",
            "title": "联盟数学作业设计研讨",
            "starts_at": when.strftime("%Y-%m-%dT%H:%M"),
            "place": "报告厅",
            "host": world.dean.pk,
            "recorder": world.colleague.pk,
            "schools": [world.school.pk],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    a = Activity.objects.get(title__contains="联盟数学作业设计研讨")
    assert a.region_id == world.alliance.pk and a.status == "published"
    assert Alliance.objects.get(region=world.alliance).lead_school_id == world.school.pk


def test_alliance_page_queries_constant(world, client_for):
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    url = reverse("region:alliance", args=[world.alliance.pk])

    def join(n, start):
        _add_schools(world, n, start=start)
        for s in School.objects.filter(code__startswith="T-N"):
            s.alliances.add(world.alliance)

    join(2, 0)
    small = {p: assert_queries(client_for(p), url, budget=BUDGET) for p in ["researcher", "principal"]}
    join(17, 2)
    large = {p: assert_queries(client_for(p), url, budget=BUDGET) for p in ["researcher", "principal"]}
    assert large == small


def test_api_routes_per_role(world, api_client_for):
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    detail = f"/api/v1/region/alliances/{world.alliance.pk}"
    for persona, want in [("researcher", 200), ("principal", 200), ("dean", 200), ("teacher", 404), ("other_researcher", 404)]:
        c = api_client_for(persona)
        r = c.get(detail)
        assert r.status_code == want, persona
        listed = [a["id"] for a in c.get("/api/v1/region/alliances").json()]
        assert listed == ([world.alliance.pk] if want == 200 else []), persona
    body = api_client_for("researcher").get(detail).json()
    assert body["lead_school_id"] == world.school.pk and [s["is_lead"] for s in body["schools"]] == [True]


def test_alliance_plan_read_by_member_schools_once_published(world, client_for):
    from xiaoben.plans.models import Plan

    url = reverse("region:alliance", args=[world.alliance.pk])
    plan = Plan.objects.create(level="region", region=world.alliance, start_year=2026, title="城东联盟研修计划", status="draft")
    assert "城东联盟研修计划" in client_for("researcher").get(url).content.decode()
    assert "城东联盟研修计划" not in client_for("dean").get(url).content.decode()  # a draft stays with the district
    Plan.objects.filter(pk=plan.pk).update(status="approved")
    assert "城东联盟研修计划" in client_for("dean").get(url).content.decode()
    assert client_for("other_teacher").get(reverse("plans:detail", args=[plan.pk])).status_code == 404


def _admin_client(school, username):
    from django.test import Client

    from xiaoben.core.models import User
    from xiaoben.org import services as org

    user = User.objects.create_user(username=username, password="x-Pa55word", full_name=f"{username}管理员")
    org.role_assign(actor=SYSTEM, user=user, role="principal", school=school)
    c = Client()
    c.force_login(user)
    return c


def test_alliance_drill_down_and_export_per_role(world, client_for):
    """The lead school opens the aggregates behind a member's numbers and exports the members'
    comparison like the region's; a member school's admin, another alliance's lead school and
    another district's 教研员 get 404."""
    import io

    from openpyxl import load_workbook

    from xiaoben.org.models import Region

    other = _second_member(world)
    services.alliance_update(actor=scope_for(world.user("researcher")), alliance=world.alliance, lead_school=world.school)
    Activity.objects.create(school=other, kind="lesson_prep", title="集体备课二", starts_at=timezone.now(), status="held")
    cell = reverse("region:alliance_cell", args=[world.alliance.pk, other.pk, "activities"])
    export = reverse("region:alliance_export", args=[world.alliance.pk])
    for persona in ["researcher", "dean", "principal"]:  # the region's 教研员, the lead school's admins
        r = client_for(persona).get(cell)
        assert r.status_code == 200, persona
        assert r.context["total"] == 2 and world.teacher.name not in r.content.decode()  # counts, no names
        x = client_for(persona).get(export)
        assert x.status_code == 200 and x["Content-Type"].startswith("application/vnd.openxmlformats"), persona
        ws = load_workbook(io.BytesIO(x.content)).active
        assert {ws.cell(row=i, column=1).value for i in (3, 4)} == {world.school.name, other.name}
        assert ws.cell(row=2, column=1).value == "学校"
    page = client_for("dean").get(reverse("region:alliance", args=[world.alliance.pk])).content.decode()
    assert cell in page and export in page
    # a member school's admin (not the lead), another alliance's lead school, another district
    member_admin = _admin_client(other, "member-admin")
    third = School.objects.create(name="南湖区第九十小学", short_name="九十小", code="T-N90", stage="primary", region=world.district)
    alliance2 = Region.objects.create(name="城西教研联盟", kind="alliance", parent=world.district)
    third.alliances.add(alliance2)
    Alliance.objects.create(region=alliance2, lead_school=third)
    other_lead = _admin_client(third, "other-lead")
    for name, c in [("member admin", member_admin), ("other alliance", other_lead), ("other district", client_for("other_researcher"))]:
        assert c.get(cell).status_code == 404, name
        assert c.get(export).status_code == 404, name
    assert other_lead.get(reverse("region:alliance_cell", args=[alliance2.pk, third.pk, "activities"])).status_code == 200
    assert other_lead.get(reverse("region:alliance_cell", args=[alliance2.pk, other.pk, "activities"])).status_code == 404  # not its member
    assert (
        client_for("dean").get(reverse("region:alliance_cell", args=[world.alliance.pk, world.other_school.pk, "activities"])).status_code
        == 404
    )
    assert client_for("dean").get(reverse("region:alliance_cell", args=[world.alliance.pk, other.pk, "nonsense"])).status_code == 404
    assert client_for("dean").get(reverse("region:compare_cell", args=[other.pk, "activities"])).status_code in (403, 404)
