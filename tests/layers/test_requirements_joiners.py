"""A teacher who joins the school mid-term is judged from the day they joined (入校时间),
not from their career start — on the grid, the home card, the reminders, 学时 and 考核.

The world's term starts Monday 2026-08-31 (第1周), 第5周 is a holiday week, today is
2026-11-18 (第12周). 周新 has taught since 2010 but joined this school in 第10周."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f
from xiaoben.assessment import services as assessment
from xiaoben.assessment.models import AssessmentResult, ItemSource
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.models import HourEntry
from xiaoben.hours.selectors import ledger_summary
from xiaoben.org import roster
from xiaoben.org import services as org
from xiaoben.org.models import Teacher
from xiaoben.org.tests.test_roster import PASSWORD, row, xlsx
from xiaoben.requirements import services
from xiaoben.requirements.engine import progress_for_school, progress_for_teacher
from xiaoben.requirements.models import Period

pytestmark = pytest.mark.django_db


def wk(n: int, dow: int = 2) -> dt.date:
    return dt.date(2026, 8, 31) + dt.timedelta(weeks=n - 1, days=dow)


@pytest.fixture
def joiner(world):
    return org.teacher_create(
        actor=SYSTEM,
        school=world.school,
        staff_no="099",
        name="周新",
        gender="F",
        teaching_since=dt.date(2010, 9, 1),
        joined_on=wk(10, 0),
        subject="语文",
    )


def test_weekly_and_term_quotas_start_at_the_join_date(world, joiner):
    weekly = services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每周教学反思1篇",
        metric="writings.count",
        filters={"kinds": ["reflection"]},
        period=Period.WEEK,
        threshold=1,
    )
    term = services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课20节",
        metric="observations.given",
        period=Period.TERM,
        threshold=20,
    )
    for w in (10, 11):
        f.writing(joiner, "reflection", wk(w), term=world.term)
    grid = progress_for_school(world.school, world.term)
    w = grid.cell(joiner.pk, weekly.pk)
    assert (w.done, w.required, w.status_label) == (2, 3, "进行中")  # 第10–12周, the current one still open
    assert [b.label for b in w.buckets] == ["第10周", "第11周", "第12周"]
    t = grid.cell(joiner.pk, term.pk)
    assert t.target == 12  # 第10–21周: 12 of 20 teaching weeks → 12 of 20 lessons
    assert t.judged_from == wk(10, 0)
    # the home card reads the same numbers
    mine = {p.requirement.pk: p for p in progress_for_teacher(joiner, world.term)}
    assert mine[weekly.pk].required == 3 and mine[term.pk].target == 12
    # and nobody else is affected
    assert grid.cell(world.teacher.pk, weekly.pk).required == 11


def test_reminder_names_only_what_the_joiner_owes(world, joiner):
    services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每周教学反思1篇",
        metric="writings.count",
        filters={"kinds": ["reflection"]},
        period=Period.WEEK,
        threshold=1,
    )
    p = progress_for_teacher(joiner, world.term)[0]
    assert "12周" not in p.message() and "11周" not in p.message()


def test_roster_import_sets_the_join_date(world):
    report = roster.roster_import(
        actor=SYSTEM,
        school=world.school,
        upload=xlsx([row(工号="T1"), row(工号="T2", 姓名="吴刚", 入校时间="2019-08-28")], header=[*row().keys(), "入校时间"]),
        initial_password=PASSWORD,
    )
    assert report.saved, report.errors
    got = dict(Teacher.objects.filter(staff_no__in=["T1", "T2"]).values_list("staff_no", "joined_on"))
    assert got == {"T1": dt.date(2026, 11, 18), "T2": dt.date(2019, 8, 28)}  # missing → the import day
    assert "入校时间" in [c.header for c in roster.COLUMNS]


def test_hour_targets_are_pro_rata(world, joiner):
    from xiaoben.hours.tests.factories import set_targets

    set_targets(world.school)
    s = ledger_summary(joiner, 2026)
    # joined 2026-11-02: 60 of 365 days of the year → 72 × 60/365 = 11.8 → 12
    assert s.targets.year == 12
    assert s.targets.cycle == 12  # 360 × 60/1826 days of 2022–2026
    assert ledger_summary(world.teacher, 2026).targets.year == 72


def test_assessment_items_are_pro_rata(world, joiner):
    req = services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    s = assessment.scheme_create(
        school=world.school, term=world.term, name="考核", actor=scope_for(world.users["dean"]), with_defaults=False
    )
    assessment.item_add(
        scheme=s, actor=scope_for(world.users["dean"]), name="听课", points=10, source=ItemSource.REQUIREMENT, requirement=req
    )
    assessment.item_add(
        scheme=s, actor=scope_for(world.users["dean"]), name="学时", points=20, source=ItemSource.HOURS, hours_target=Decimal("36")
    )
    HourEntry.objects.create(school=world.school, teacher=joiner, term=world.term, date=wk(11), hours=12, source="manual")
    assessment.scheme_open(scheme=s, actor=scope_for(world.users["dean"]))
    scores = {x.item.name: x for x in AssessmentResult.objects.get(scheme=s, teacher=joiner).scores.select_related("item")}
    assert scores["听课"].required == 12
    assert scores["学时"].required == 22  # 36 × 12/20 = 21.6, rounded up
    assert scores["学时"].score == Decimal("10.9")
