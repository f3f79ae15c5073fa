"""Comparison of schools: the numbers, the drill-down, the .xlsx, and constant queries."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core.scope import scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.observations.models import Observation
from xiaoben.region.tests.test_home import _add_schools
from xiaoben.writings.models import Writing

pytestmark = pytest.mark.django_db

BUDGET = 48  # + the region tree, the schools' 学时 targets (requirement rows), the district requirements (none here), the kept 学时 totals (made: 12), the kept per-school tallies (made: 16)


def _records(world):
    w = world
    Activity.objects.create(school=w.school, term=w.term, kind="lesson_prep", title="备课", starts_at=timezone.now(), status="done")
    Activity.objects.create(school=w.school, term=w.term, kind="lesson_prep", title="备课2", starts_at=timezone.now(), status="done")
    Activity.objects.create(school=w.school, term=w.term, kind="lesson_prep", title="取消", starts_at=timezone.now(), status="cancelled")
    for i in range(3):
        Observation.objects.create(
            school=w.school,
            term=w.term,
            observer=w.mentor,
            teacher=w.teacher,
            lesson_date=dt.date(2026, 10, 10 + i),
            status="submitted",
            subject="语文",
        )
    Observation.objects.create(
        school=w.school, term=w.term, observer=w.mentor, teacher=w.teacher, lesson_date=dt.date(2026, 10, 20), status="draft"
    )
    day = dt.date(2026, 11, 2)
    Writing.objects.create(
        school=w.school,
        term=w.term,
        author=w.teacher,
        kind="reflection",
        title="a",
        written_on=day,
        status="submitted",
        visibility="region",
    )
    Writing.objects.create(
        school=w.school,
        term=w.term,
        author=w.teacher,
        kind="reflection",
        title="b",
        written_on=day,
        status="submitted",
        copy_state="flagged",
    )
    Writing.objects.create(
        school=w.school,
        term=w.term,
        author=w.mentor,
        kind="reflection",
        title="c",
        written_on=day,
        status="submitted",
        copy_state="cleared",
    )
    Writing.objects.create(school=w.school, term=w.term, author=w.mentor, kind="reflection", title="d", written_on=day, status="submitted")
    # A draft does not count, flagged or not.
    Writing.objects.create(
        school=w.school, term=w.term, author=w.mentor, kind="reflection", title="e", written_on=day, copy_state="flagged"
    )


def test_numbers(world, client_for):
    _records(world)
    r = client_for("researcher").get(reverse("region:compare"))
    assert r.status_code == 200
    (row,) = r.context["rows"]
    assert row["school"] == world.school
    assert row["teachers"] == 6
    assert row["activities"] == 2  # the cancelled one does not count
    assert row["observations"] == 3 and row["obs_per_teacher"] == 0.5  # drafts do not count
    assert row["writings"] == 4 and row["copied"] == 1 and row["copied_share"] == 25.0 and row["shared"] == 1
    assert row["hours_met_share"] == 0.0
    cell = client_for("researcher").get(reverse("region:compare_cell", args=[world.school.pk, "observations"]))
    assert cell.status_code == 200 and cell.context["total"] == 3
    assert "刘思雨" not in cell.content.decode()  # aggregates only: no teacher names
    assert client_for("researcher").get(reverse("region:compare_cell", args=[world.school.pk, "copied"])).context["total"] == 1


def test_sorting(world, client_for):
    _add_schools(world, 2)
    _records(world)
    rows = client_for("researcher").get(reverse("region:compare") + "?sort=-activities").context["rows"]
    assert rows[0]["school"] == world.school
    rows = client_for("researcher").get(reverse("region:compare") + "?sort=activities").context["rows"]
    assert rows[-1]["school"] == world.school


def test_who_sees_the_comparison(world, client_for):
    for persona in ["teacher", "dean", "principal", "leader", "other_teacher"]:
        assert client_for(persona).get(reverse("region:compare")).status_code == 404, persona
        assert client_for(persona).get(reverse("region:compare_export")).status_code == 404, persona
    # Another district's 教研员: their own schools only, and no drill-down into this district.
    r = client_for("other_researcher").get(reverse("region:compare"))
    assert [row["school"] for row in r.context["rows"]] == [world.other_school]
    assert client_for("other_researcher").get(reverse("region:compare_cell", args=[world.school.pk, "activities"])).status_code == 404
    assert client_for("researcher").get(reverse("region:compare_cell", args=[world.school.pk, "bogus"])).status_code == 404


def test_xlsx_through_the_registry(world, client_for):
    from openpyxl import load_workbook

    from xiaoben.core.exporters import get_exporter

    _records(world)
    exporter = get_exporter("region.comparison_xlsx")
    assert exporter.available(scope_for(world.user("researcher")))
    assert not exporter.available(scope_for(world.user("dean")))
    r = client_for("researcher").get(reverse("region:compare_export"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content)).active
    assert ws.cell(3, 1).value == world.school.name and ws.cell(3, 2).value == 6


def test_queries_constant_in_number_of_schools(world, client_for):
    c = client_for("researcher")
    url = reverse("region:compare")
    _add_schools(world, 2)
    small = assert_queries(c, url, budget=BUDGET)
    _add_schools(world, 17, start=2)
    large = assert_queries(c, url, budget=BUDGET)
    assert large == small


def test_only_counted_achievements_reach_the_metric_and_the_region_comparison(world):
    """`Achievement.COUNTED` (verified, not deleted) is the one condition: a pending, a returned
    and a verified-then-deleted achievement are left out of the metric and the comparison."""
    from xiaoben.region.comparison import breakdown_table, compare
    from xiaoben.requirements.registry import get_metric
    from xiaoben.research.models import Achievement, AchievementCredit
    from xiaoben.research.services_achievements import achievement_delete, achievement_return
    from xiaoben.research.tests.factories import achievement, scope

    achievement(world, title="已认定的论文")
    achievement(world, verify=False, title="待审核的论文")
    returned = achievement(world, verify=False, title="被退回的论文")
    achievement_return(actor=scope(world, "dean"), achievement=returned, reason="证书照片看不清")
    deleted = achievement(world, title="认定后删除的论文")
    achievement_delete(actor=scope(world, "dean"), achievement=deleted)

    assert set(Achievement.objects.counted().values_list("title", flat=True)) == {"已认定的论文"}
    assert AchievementCredit.objects.filter(AchievementCredit.COUNTED).count() == 1
    start, end = dt.date(2026, 9, 1), dt.date(2027, 1, 22)
    for key in ("research.achievements", "research.points"):
        got = get_metric(key).totals(school_id=world.school.pk, start=start, end=end)
        assert set(got) <= {world.teacher.pk}, key  # points: 0 without reward rules, or the one credit
    assert get_metric("research.achievements").totals(school_id=world.school.pk, start=start, end=end) == {world.teacher.pk: Decimal(1)}
    researcher = scope(world, "researcher")
    (row,) = [r for r in compare(researcher, start=start, end=end, year=2026)["rows"] if r["school"] == world.school]
    assert row["achievements"] == 1 and row["achievements_city_up"] == 1
    assert breakdown_table(world.school, "achievements", start=start, end=end)["foot"][-1] == 1
