"""Comparison of schools, part two: the share of teachers meeting each region requirement
(the district's bar, the engine's arithmetic), 课题 by level and stage, 成果 by level, their
drill-downs and .xlsx columns, subject-first for a 学科教研员, constant queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from xiaoben.core.scope import scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.observations.models import Observation
from xiaoben.org.models import RoleAssignment
from xiaoben.region.progress import region_progress, region_templates
from xiaoben.region.tests.test_home import _add_schools
from xiaoben.requirements.engine import progress_for_school
from xiaoben.requirements.models import Requirement
from xiaoben.requirements.services import region_templates_adopt
from xiaoben.research.models import Achievement, ResearchProject

pytestmark = pytest.mark.django_db

# warm: the kept values are fresh (2 reads per requirement); cold: the schools' kept values
# are made (first look, or records changed) — 11 per requirement, whatever the number of schools
BUDGET = {"": 28, "语文": 31}  # a 学科教研员's subject table: three GROUP BYs more
COLD = {
    "": 73,
    "语文": 76,
}  # + the schools' 学时 targets (requirement rows),  the 学时 comparison's kept yearly totals (hours.selectors) and the kept per-school tallies made (region.tally)


def _template(world, **kw) -> Requirement:
    spec = {"name": "每学期听课不少于3节", "metric": "observations.given", "period": "term", "threshold": 3, **kw}
    return Requirement.objects.create(region=world.district, **spec)


def _observe(world, observer, n: int, start_day: int = 2):
    for i in range(n):
        Observation.objects.create(
            school=world.school,
            term=world.term,
            observer=observer,
            teacher=world.colleague,
            lesson_date=dt.date(2026, 11, start_day + i),
            status="submitted",
            subject="数学",
        )


def _row(resp, school):
    return next(r for r in resp.context["rows"] if r["school"] == school)


def test_share_meeting_each_region_requirement_matches_the_engine(world, client_for):
    t = _template(world)
    monthly = _template(
        world, name="每月至少一篇教学反思", metric="writings.count", period="month", threshold=1, filters={"kinds": ["reflection"]}
    )
    region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    _observe(world, world.mentor, 3)  # met
    _observe(world, world.leader, 2, start_day=10)  # 2 of 3 by 第12周: on track or behind by pace
    counts = region_progress([world.school], [t, monthly])
    grid = progress_for_school(world.school)
    copy = Requirement.objects.get(school=world.school, starter_key=f"region-{t.pk}")
    summary = grid.summary()[copy.pk]
    c = counts[(world.school.pk, t.pk)]
    assert (c.met, c.on_track, c.behind, c.total) == (summary["met"], summary["on_track"], summary["behind"], summary["total"])
    assert c.met == 1 and c.total == 6
    mcopy = Requirement.objects.get(school=world.school, starter_key=f"region-{monthly.pk}")
    m = counts[(world.school.pk, monthly.pk)]
    assert (m.met, m.on_track, m.behind) == tuple(grid.summary()[mcopy.pk][k] for k in ("met", "on_track", "behind"))

    resp = client_for("researcher").get(reverse("region:compare"))
    row = _row(resp, world.school)
    assert [c["name"] for c in resp.context["templates"]] == [t.name, monthly.name]
    assert row["requirements"][0]["share"] == round(100 / 6, 1)


def test_the_district_bar_not_the_schools_stricter_copy(world):
    t = _template(world)
    region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    Requirement.objects.filter(school=world.school, starter_key=f"region-{t.pk}").update(threshold=10)  # raised by the school
    _observe(world, world.mentor, 3)
    assert region_progress([world.school], [t])[(world.school.pk, t.pk)].met == 1
    # Another district's template never applies here; a school's own requirement is no template.
    Requirement.objects.create(region=world.other_district, name="x", metric="observations.given", period="term", threshold=1)
    Requirement.objects.create(school=world.school, name="y", metric="observations.given", period="term", threshold=1)
    assert region_templates([world.school]) == [t]


def test_requirement_drill_down_is_counts_by_subject(world, client_for):
    t = _template(world)
    _observe(world, world.mentor, 3)
    c = client_for("researcher")
    r = c.get(reverse("region:compare_cell", args=[world.school.pk, f"req-{t.pk}"]))
    assert r.status_code == 200
    table = r.context["table"]
    assert table["foot"][0] == 1 and table["foot"][3] == 6
    assert {row[0] for row in table["rows"]} == {"语文", "数学"}
    body = r.content.decode()
    assert "陈芳" not in body and "刘思雨" not in body  # counts, never a teacher
    # Another district's 教研员, an unknown or foreign requirement: 404.
    assert client_for("other_researcher").get(reverse("region:compare_cell", args=[world.school.pk, f"req-{t.pk}"])).status_code == 404
    other = Requirement.objects.create(region=world.other_district, name="x", metric="observations.given", period="term", threshold=1)
    assert c.get(reverse("region:compare_cell", args=[world.school.pk, f"req-{other.pk}"])).status_code == 404
    assert c.get(reverse("region:compare_cell", args=[world.school.pk, "req-x"])).status_code == 404


def _research(world):
    common = {"school": world.school, "leader": world.mentor}
    ResearchProject.objects.create(title="大单元", level="city", stage="opened", **common)
    ResearchProject.objects.create(title="作业设计", level="city", stage="midterm", **common)
    ResearchProject.objects.create(title="阅读", level="school", stage="concluded", **common)
    ResearchProject.objects.create(title="撤销的", level="county", stage="withdrawn", **common)
    ResearchProject.objects.create(title="申报中", level="province", stage="applied", **common)
    for level, status in [("province", "verified"), ("county", "verified"), ("county", "verified"), ("city", "pending")]:
        Achievement.objects.create(
            school=world.school, title="优质课", kind="lesson_award", level=level, date=dt.date(2026, 10, 9), status=status
        )
    Achievement.objects.create(
        school=world.school, title="去年", kind="lesson_award", level="city", date=dt.date(2025, 10, 9), status="verified"
    )


def test_projects_and_achievements_by_level(world, client_for):
    _research(world)
    c = client_for("researcher")
    resp = c.get(reverse("region:compare"))
    row = _row(resp, world.school)
    levels = [lv for lv, _l in resp.context["levels"]]
    assert row["projects"] == 2 and row["projects_by_level"][levels.index("city")] == 2 and row["projects_concluded"] == 1
    assert row["achievements"] == 3 and row["achievements_city_up"] == 1
    assert row["achievements_by_level"][levels.index("county")] == 2
    p = c.get(reverse("region:compare_cell", args=[world.school.pk, "projects"]))
    assert p.status_code == 200 and p.context["table"]["foot"] == [0, 1, 1, 1, 0]  # 立项 开题 中期 结题 延期
    assert "大单元" not in p.content.decode()  # aggregates: no titles
    a = c.get(reverse("region:compare_cell", args=[world.school.pk, "achievements"]))
    assert a.status_code == 200 and sum(a.context["table"]["foot"]) == 3
    assert client_for("other_researcher").get(reverse("region:compare_cell", args=[world.school.pk, "projects"])).status_code == 404
    for persona in ["teacher", "dean", "principal"]:
        assert client_for(persona).get(reverse("region:compare_cell", args=[world.school.pk, "achievements"])).status_code == 404
    # sortable by the new columns
    assert c.get(reverse("region:compare") + "?sort=-projects").status_code == 200
    assert c.get(reverse("region:compare") + "?sort=req_0").status_code == 200


def test_xlsx_has_requirements_projects_achievements(world, client_for):
    from openpyxl import load_workbook

    t = _template(world)
    _observe(world, world.mentor, 3)
    _research(world)
    r = client_for("researcher").get(reverse("region:compare_export"))
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    ws = wb["学校对比"]
    head = [c.value for c in ws[2]]
    row = dict(zip(head, [c.value for c in ws[3]], strict=True))
    assert row[f"{t.name} 达标率%"] == round(100 / 6, 1)
    assert row["在研课题"] == 2 and row["在研课题·市级"] == 2 and row["已结题课题"] == 1
    assert row["成果荣誉（本学期）"] == 3 and row["成果·县级"] == 2
    detail = [[c.value for c in r] for r in wb["区域要求达标"].iter_rows(min_row=2)]
    assert detail == [[world.school.name, t.name, 6, 1, 0, 5, round(100 / 6, 1), round(500 / 6, 1)]] or detail[0][3] == 1


def test_subject_researcher_sees_their_subject_first(world, client_for):
    _template(world)
    _observe(world, world.mentor, 3)  # 数学 lessons
    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects="数学")
    resp = client_for("researcher").get(reverse("region:compare"))
    assert resp.context["subjects"] == ["数学"]
    row = _row(resp, world.school)
    assert row["subject"]["teachers"] == 2 and row["subject"]["observations"] == 3
    body = resp.content.decode()
    assert body.index('data-testid="compare-subject"') < body.index('data-testid="compare"')
    # a researcher for every subject gets no subject table
    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects="")
    assert 'data-testid="compare-subject"' not in client_for("researcher").get(reverse("region:compare")).content.decode()


@pytest.mark.parametrize("subjects", ["", "语文"])
def test_queries_constant_with_requirements_and_research(world, client_for, subjects):
    _template(world)
    _template(world, name="每月至少一篇教学反思", metric="writings.count", period="month", threshold=1)
    _research(world)
    RoleAssignment.objects.filter(user=world.user("researcher")).update(subjects=subjects)
    c = client_for("researcher")
    url = reverse("region:compare")
    _add_schools(world, 2)
    small = assert_queries(c, url, budget=COLD[subjects]), assert_queries(c, url, budget=BUDGET[subjects])
    _add_schools(world, 17, start=2)
    large = assert_queries(c, url, budget=COLD[subjects]), assert_queries(c, url, budget=BUDGET[subjects])
    assert large == small


def test_teachers_behind_on_any_requirement_column_and_school_drill(world, client_for):
    """The walk: compare the schools, open the one with the most teachers behind: its
    district requirements as counts (达标/进行中/落后), never names."""
    t = _template(world)
    region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    _observe(world, world.mentor, 3)
    c = client_for("researcher")
    row = _row(c.get(reverse("region:compare") + "?sort=-behind_any"), world.school)
    counts = region_progress([world.school], [t])[(world.school.pk, t.pk)]
    assert row["behind_any"] == counts.behind
    r = c.get(reverse("region:compare_cell", args=[world.school.pk, "requirements"]))
    assert r.status_code == 200
    assert r.context["table"]["rows"] == [[t.name, counts.met, counts.on_track, counts.behind, counts.total]]
    assert world.mentor.name not in r.content.decode()
    page = c.get(reverse("region:compliance"))
    assert page.status_code == 200 and 'data-testid="region-compliance"' in page.content.decode()
    assert client_for("other_researcher").get(reverse("region:compare_cell", args=[world.school.pk, "requirements"])).status_code == 404
    assert client_for("dean").get(reverse("region:compliance")).status_code in (403, 404)
