"""The 教研员's workspace: what it shows, and a fixed number of queries at 3 and at 20 schools."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.hours.tests.factories import set_targets
from xiaoben.org import services as org
from xiaoben.org.models import School
from xiaoben.region import services
from xiaoben.region.models import VisitStatus

pytestmark = pytest.mark.django_db

BUDGET = {
    "": 42,
    "语文": 44,
}  # the schools' 学时 targets (requirement rows); a 学科教研员: their subject's groups and teachers; +12: the kept 学时 totals made; +8: the kept per-school tallies made (region.tally)


def _add_schools(world, n: int, start: int = 0):
    for i in range(start, start + n):
        s = School.objects.create(
            name=f"南湖区第{i + 10}小学", short_name=f"{i + 10}小", code=f"T-N{i}", stage="primary", region=world.district
        )
        set_targets(s)  # the usual 学时, as the persona schools (conftest.py)
        org.term_create(actor=SYSTEM, school=s, start_year=2026, number=1, start_date=dt.date(2026, 9, 1), end_date=dt.date(2027, 1, 22))
        for k in range(2):
            t = org.teacher_create(
                actor=SYSTEM,
                school=s,
                staff_no=f"{k + 1:03d}",
                name=f"教师{i}-{k}",
                password="x-Pa55word",
                subject="语文",
                gender="F",
                birth_date=dt.date(1990, 1, 1),
                teaching_since=dt.date(2012, 9, 1),
            )
        Activity.objects.create(
            school=s, kind="lesson_prep", title="集体备课", starts_at=timezone.now() - dt.timedelta(days=3), status="done", host=t
        )


def test_workspace_lists_what_needs_doing(world, client_for):
    _add_schools(world, 2)
    act = Activity.objects.create(region=world.district, kind="regional", title="南湖区语文联片教研", starts_at=timezone.now())
    visit = services.visit_create(
        actor=scope_for(world.user("researcher")),
        school=world.school,
        visited_on=dt.date(2026, 11, 10),
        focus="作业设计",
        findings="f",
        suggestions="s",
    )
    services.visit_respond(actor=scope_for(world.user("dean")), visit=visit, expected_version=visit.version, response="已整改")
    from xiaoben.writings.models import Writing

    day = dt.date(2026, 11, 17)
    common = dict(school=world.school, term=world.term, author=world.teacher, kind="reflection", written_on=day, status="submitted")
    Writing.objects.create(title="共享给区域的反思", visibility="region", **common)
    Writing.objects.create(title="只在本校的反思", visibility="school", **common)
    r = client_for("researcher").get(reverse("region:home"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "共享给区域的反思" in html and "只在本校的反思" not in html
    assert act.title in html
    assert "作业设计" in html and "待关闭" in html
    rows = r.context["attention"]
    assert {row["school"].pk for row in rows} == {world.school.pk} | set(
        School.objects.filter(code__startswith="T-N").values_list("pk", flat=True)
    )
    assert world.other_school.pk not in {row["school"].pk for row in rows}
    # The world school has 6 teachers and no hours: every one behind, listed first.
    assert rows[0]["school"] == world.school and rows[0]["behind"] == 6
    # The home card of the school admin shows nothing to answer (already answered); of the 教研员 the close to-do.
    assert visit.status == VisitStatus.ANSWERED
    assert "待关闭" in client_for("researcher").get("/").content.decode()


def test_workspace_is_for_region_staff_only(world, client_for):
    for persona in ["teacher", "dean", "principal", "other_teacher"]:
        assert client_for(persona).get(reverse("region:home")).status_code == 404, persona
    # Another district's 教研员 sees their own district, not this one's schools.
    r = client_for("other_researcher").get(reverse("region:home"))
    assert r.status_code == 200
    assert [row["school"] for row in r.context["attention"]] == [world.other_school]


def test_subject_researcher_sees_their_subject_first(world, client_for):
    from xiaoben.org.models import RoleAssignment

    _add_schools(world, 2)
    now = timezone.now()
    Activity.objects.create(region=world.district, kind="regional", title="南湖区小学数学联片教研", starts_at=now)
    Activity.objects.create(region=world.district, kind="regional", title="南湖区小学语文联片教研", starts_at=now + dt.timedelta(hours=1))
    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects="语文")
    r = client_for("researcher").get(reverse("region:home"))
    assert r.context["activities"][0].title == "南湖区小学语文联片教研"
    assert r.context["activities"][0].subject == "语文"
    groups = r.context["groups"]
    assert world.chinese in groups and world.math not in groups
    row = next(x for x in r.context["attention"] if x["school"] == world.school)
    assert row["subject_teachers"] == 4  # 语文: principal, leader, mentor, teacher
    html = r.content.decode()
    assert html.index('data-testid="subject-groups"') < html.index('data-testid="attention"')
    # without a subject: the plain order and no subject card
    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects="")
    r = client_for("researcher").get(reverse("region:home"))
    assert r.context["activities"][0].title == "南湖区小学数学联片教研" and r.context["groups"] == []


@pytest.mark.parametrize("subjects", ["", "语文"])
def test_queries_constant_in_number_of_schools(world, client_for, subjects):
    from xiaoben.org.models import RoleAssignment

    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects=subjects)
    c = client_for("researcher")
    url = reverse("region:home")
    _add_schools(world, 2)  # 3 schools in the district
    small = assert_queries(c, url, budget=BUDGET[subjects])
    _add_schools(world, 17, start=2)  # 20 schools
    large = assert_queries(c, url, budget=BUDGET[subjects])
    assert large == small
