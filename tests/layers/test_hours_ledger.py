"""The ledger: totals against the yearly target and the five-year cycle, pages × personas,
statistics in SQL with a constant number of queries, exports."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.activities.models import Activity
from xiaoben.core.scope import SYSTEM
from xiaoben.hours.models import HourEntry
from xiaoben.hours.selectors import ledger_summary, targets_for
from xiaoben.hours.services import hour_entries_sync_for_activity
from xiaoben.hours.tests.factories import entry, set_targets
from xiaoben.org import services as org


@pytest.fixture(autouse=True)
def targets(world):
    set_targets(world.school)


def test_cycle_is_five_years_from_the_school_setting(world):
    t = targets_for(world.school, 2026)
    assert (t.cycle_start, t.cycle_end, t.year, t.cycle) == (2022, 2026, 72, 360)
    assert targets_for(world.school, 2027).cycle_start == 2027
    world.school.settings = {"hours_cycle_start_year": 2024}
    world.school.save()
    set_targets(world.school, 80, 400)
    t = targets_for(world.school, 2026)
    assert (t.cycle_start, t.cycle_end, t.year, t.cycle) == (2024, 2028, 80, 400)
    assert targets_for(world.school, 2023).cycle_start == 2019


def test_year_and_cycle_totals_by_category(world):
    t = world.teacher
    entry(t, dt.date(2026, 3, 1), 10, "school")
    entry(t, dt.date(2026, 10, 1), 20.5, "online")
    entry(t, dt.date(2024, 5, 1), 30, "central")
    entry(t, dt.date(2021, 5, 1), 99, "central")  # previous cycle
    gone = entry(t, dt.date(2026, 5, 1), 50, "school")
    gone.soft_delete()  # deleted entries never count
    entry(world.colleague, dt.date(2026, 5, 1), 7)
    s = ledger_summary(t, 2026)
    assert s.year_totals["total"] == Decimal("30.5")
    assert s.year_totals["online"] == Decimal("20.5")
    assert s.cycle_totals["total"] == Decimal("60.5")
    assert s.cycle_totals["central"] == Decimal("30")
    assert s.year_missing == Decimal("41.5")
    # began teaching during the 2022–2026 cycle: owes the share of 360 after that day
    assert s.targets.cycle == Decimal("97") and s.cycle_missing == Decimal("36.5")


def test_activity_sync_rerun_never_double_counts(world):
    a = Activity.objects.create(school=world.school, term=world.term, kind="lesson_prep", title="三年级语文集体备课", status="recorded")
    credits = {world.teacher.pk: Decimal("2"), world.mentor.pk: Decimal("3")}
    hour_entries_sync_for_activity(actor=SYSTEM, activity=a, credits=credits, day=dt.date(2026, 11, 6))
    hour_entries_sync_for_activity(actor=SYSTEM, activity=a, credits=credits, day=dt.date(2026, 11, 6))
    assert HourEntry.objects.filter(activity=a).count() == 2
    assert ledger_summary(world.teacher, 2026).year_totals["total"] == Decimal("2")
    hour_entries_sync_for_activity(actor=SYSTEM, activity=a, credits={world.mentor.pk: Decimal("3")}, day=dt.date(2026, 11, 6))
    assert ledger_summary(world.teacher, 2026).year_totals["total"] == 0
    hour_entries_sync_for_activity(actor=SYSTEM, activity=a, credits=credits, day=dt.date(2026, 11, 6))
    assert ledger_summary(world.teacher, 2026).year_totals["total"] == Decimal("2")
    assert HourEntry.all_objects.filter(activity=a).count() == 2


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("dean", 200),
        ("leader", 200),
        ("other_teacher", 200),
        ("researcher", 302),
        ("platform_admin", 302),
    ],
)
def test_own_ledger_page(client_for, persona, status):
    assert client_for(persona).get(reverse("hours:ledger")).status_code == status


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("dean", 200),
        ("principal", 200),
        ("leader", 404),
        ("colleague", 404),
        ("other_teacher", 404),
        ("researcher", 404),
        ("other_researcher", 404),
        ("platform_admin", 200),
    ],
)
def test_teacher_ledger_and_certificate_by_persona(world, client_for, persona, status):
    c = client_for(persona)
    assert c.get(reverse("hours:teacher_ledger", args=[world.teacher.pk])).status_code == status
    assert c.get(reverse("hours:certificate", args=[world.teacher.pk])).status_code == status


def test_ledger_shows_entries_and_target(world, client_for):
    entry(world.teacher, dt.date(2026, 10, 1), 12, "online", description="浙江省教师教育网络研修")
    entry(world.colleague, dt.date(2026, 10, 1), 5, description="别人的学时")
    body = client_for("teacher").get(reverse("hours:ledger") + "?year=2026").content.decode()
    assert "浙江省教师教育网络研修" in body and "别人的学时" not in body
    assert "还差 60.0 学时" in body and "2022—2026年" in body


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("teacher", 404), ("leader", 404), ("dean", 200), ("principal", 200), ("researcher", 404), ("other_teacher", 404)],
)
def test_stats_pages_for_admins_only(client_for, persona, status):
    c = client_for(persona)
    for name in ("hours:stats", "hours:stats_export", "hours:import"):
        assert c.get(reverse(name)).status_code == status, name


def test_stats_numbers_and_export(world, client_for):
    entry(world.teacher, dt.date(2026, 10, 1), 12, "online")
    entry(world.teacher, dt.date(2026, 4, 1), 8, "school")
    entry(world.teacher, dt.date(2023, 4, 1), 40, "central")
    entry(world.other_teacher, dt.date(2026, 4, 1), 3)
    body = client_for("dean").get(reverse("hours:stats") + "?year=2026").content.decode()
    assert world.teacher.name in body and world.other_teacher.name not in body
    r = client_for("dean").get(reverse("hours:stats_export") + "?year=2026")
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(r.content)).active
    rows = {row[1]: row for row in ws.iter_rows(min_row=3, values_only=True)}
    assert world.other_teacher.name not in rows
    row = rows[world.teacher.name]
    assert row[3] == 8 and row[5] == 12 and row[7] == 20 and row[9] == 60


def test_certificate_docx_lists_categories(world, client_for):
    entry(world.teacher, dt.date(2026, 10, 1), 12, "online")
    r = client_for("teacher").get(reverse("hours:certificate", args=[world.teacher.pk]) + "?year=2026")
    from docx import Document

    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "学时证明" in text and world.teacher.name in text and "盖章" in text
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert "网络研修" in cells and "12" in cells and "12.0" not in cells


def _count(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_stats_and_ledger_query_counts_constant(world, client_for):
    dean, teacher = client_for("dean"), client_for("teacher")
    stats_url, ledger_url = reverse("hours:stats") + "?year=2026", reverse("hours:ledger") + "?year=2026"
    entry(world.teacher, dt.date(2026, 9, 1), 1)
    before = (_count(dean, stats_url), _count(teacher, ledger_url))
    for i in range(30):
        t = org.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"8{i:02d}", name=f"教师{i}", gender="F")
        entry(t, dt.date(2026, 9, 1 + i % 20), 2, ["school", "online", "region", "central"][i % 4])
        entry(world.teacher, dt.date(2026, 9, 1 + i % 20), 1, ["school", "online"][i % 2], source="claim", source_ref=f"claim:{900 + i}")
    assert (_count(dean, stats_url), _count(teacher, ledger_url)) == before


def test_hours_metric_rows_link_to_the_record_behind(world):
    from xiaoben.requirements.registry import get_metric

    m = get_metric("hours.total")
    e = entry(world.teacher, dt.date(2026, 10, 1), 3, source="claim", source_ref="claim:42")
    assert m.describe(e).url == reverse("hours:claim_detail", args=[42])
    assert m.describe(entry(world.teacher, dt.date(2026, 10, 2), 1)).url is None
    totals = m.totals(school_id=world.school.pk, start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 31))
    assert totals[world.teacher.pk] == Decimal("4")


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("teacher", 404), ("leader", 404), ("dean", 200), ("researcher", 404), ("other_teacher", 404)]
)
def test_settings_page_by_persona(client_for, persona, status):
    assert client_for(persona).get(reverse("hours:settings")).status_code == status


def test_settings_change_targets_and_chain(world, client_for):
    world.school.settings = {"other_key": 1}
    world.school.save()
    r = client_for("dean").post(
        reverse("hours:settings"),
        {"hours_year_target": "80", "hours_cycle_target": "400", "hours_cycle_start_year": "2024", "claim_chain": "school"},
    )
    assert r.status_code == 302
    world.school.refresh_from_db()
    assert world.school.settings == {"other_key": 1, "hours_cycle_start_year": 2024, "claim_chain": ["school"]}
    t = targets_for(world.school, 2026)
    assert (t.year, t.cycle, t.cycle_start) == (80, 400, 2024)
    # the targets are the school's requirements on hours.total: the engine reads the same number
    from xiaoben.requirements.engine import progress_for_teacher

    entry(world.teacher, dt.date(2026, 10, 1), 12.5, "online")
    got = {p.requirement.period: (p.done, p.target) for p in progress_for_teacher(world.teacher, metric="hours.total")}
    s = ledger_summary(world.teacher, 2026)  # the ledger page and the home card show these
    assert got == {"year": (s.year_totals["total"], s.targets.year), "five_year": (s.cycle_totals["total"], s.targets.cycle)}
    assert s.targets.year == 80
    r = client_for("dean").post(
        reverse("hours:settings"),
        {"hours_year_target": "-1", "hours_cycle_target": "400", "hours_cycle_start_year": "2024", "claim_chain": "school"},
    )
    assert r.status_code == 200
    assert targets_for(world.school, 2026).year == 80


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("teacher", 404), ("dean", 404), ("researcher", 200), ("other_researcher", 200)]
)
def test_region_page_by_persona(client_for, persona, status):
    assert client_for(persona).get(reverse("hours:region")).status_code == status


def test_region_page_shows_only_the_region_aggregates(world, client_for):
    for i in range(3):
        entry(world.teacher, dt.date(2026, 9, 1 + i), 30, "online")
    entry(world.colleague, dt.date(2026, 9, 1), 10)
    entry(world.other_teacher, dt.date(2026, 9, 1), 99)
    from xiaoben.hours.selectors import region_hour_stats

    rows = {r["school"].pk: r for r in region_hour_stats(school_ids=[world.school.pk, world.other_school.pk], year=2026)}
    mine = rows[world.school.pk]
    assert (mine["teachers"], mine["total"], mine["met"]) == (6, Decimal("100.0"), 1)
    assert rows[world.other_school.pk]["met"] == 1
    body = client_for("researcher").get(reverse("hours:region") + "?year=2026").content.decode()
    assert "实验小学" in body and "二中" not in body and world.teacher.name not in body
    c = client_for("researcher")
    _count(c, reverse("hours:region"))  # makes the kept per-teacher yearly totals (requirements.kept)
    before = _count(c, reverse("hours:region"))
    for i in range(10):
        t = org.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"6{i:02d}", name=f"教师{i}", gender="F")
        entry(t, dt.date(2026, 9, 1), 80)
    stale = _count(c, reverse("hours:region"))  # the school's totals recomputed: one aggregate, whatever the teachers
    assert _count(c, reverse("hours:region")) == before and stale <= before + 8
