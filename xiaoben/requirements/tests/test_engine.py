"""The progress engine: each kind of metric and period, holiday weeks, mid-term joiners.

The world's term: 2026-09-01 … 2027-01-22, 第1周 starts Monday 2026-08-31, 第5周 is a
holiday week, today is Wednesday 2026-11-18 (第12周): 11 teaching weeks elapsed
(the current one included) out of 20."""

import datetime as dt
from decimal import Decimal

import pytest

from tests import factories as f
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.org import services as org
from xiaoben.requirements import services
from xiaoben.requirements.engine import progress_for_school, progress_for_teacher
from xiaoben.requirements.models import Audience, Period

pytestmark = pytest.mark.django_db


def wk(n: int, dow: int = 2) -> dt.date:
    """A day of 第n周 (dow 0 = Monday)."""
    return dt.date(2026, 8, 31) + dt.timedelta(weeks=n - 1, days=dow)


def req(world, **kw):
    kw.setdefault("name", "测试要求")
    kw.setdefault("period", Period.TERM)
    return services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **kw)


def mine(world, teacher, r):
    return next(p for p in progress_for_teacher(teacher, world.term) if p.requirement.pk == r.pk)


def test_term_quota_counts_submitted_not_deleted_observations(world):
    r = req(world, metric="observations.given", threshold=20)
    for i in range(12):
        f.observation(world.teacher, world.mentor, wk(1 + i % 10), term=world.term)
    f.observation(world.teacher, world.mentor, wk(3), term=world.term, status="draft")
    f.observation(world.teacher, world.mentor, wk(3), term=world.term).soft_delete()
    f.observation(world.teacher, world.mentor, dt.date(2026, 6, 1), term=world.prev_term)  # last term
    p = mine(world, world.teacher, r)
    assert (p.done, p.required, p.expected) == (12, 20, 11)  # pro-rata: 20 × 11/20 teaching weeks
    assert p.status_label == "进行中"
    assert p.message() == "本学期听课已完成12节，要求20节，还差8节"
    assert p.records().count() == 12


def test_term_quota_status_behind_and_met(world):
    r = req(world, metric="observations.given", threshold=20)
    for _ in range(10):
        f.observation(world.colleague, world.mentor, wk(2), term=world.term)
    for _ in range(20):
        f.observation(world.mentor, world.teacher, wk(2), term=world.term)
    grid = progress_for_school(world.school, world.term)
    assert grid.cell(world.colleague.pk, r.pk).status_label == "落后"
    assert grid.cell(world.mentor.pk, r.pk).status_label == "达标"
    assert grid.cell(world.leader.pk, r.pk).done == 0
    assert grid.cell(world.other_teacher.pk, r.pk) is None  # another school's teacher is never in the grid


def test_observation_kind_filter(world):
    r = req(world, metric="observations.given", threshold=2, filters={"kinds": ["open", "demo"]})
    f.observation(world.teacher, world.mentor, wk(2), term=world.term, kind="open")
    f.observation(world.teacher, world.mentor, wk(2), term=world.term, kind="regular")
    assert mine(world, world.teacher, r).done == 1


def test_received_observations(world):
    r = req(world, metric="observations.received", threshold=3)
    f.observation(world.mentor, world.teacher, wk(2), term=world.term)
    f.observation(world.leader, world.teacher, wk(3), term=world.term)
    assert mine(world, world.teacher, r).done == 2


def test_weekly_reflection_judged_week_by_week_skipping_holiday_week(world):
    r = req(world, metric="writings.count", filters={"kinds": ["reflection"]}, period=Period.WEEK, threshold=1)
    for w in [1, 2, 3, 4, 6, 7, 8, 9, 10, 11]:  # every finished teaching week; 第5周 is a holiday
        f.writing(world.teacher, "reflection", wk(w), term=world.term)
    f.writing(world.teacher, "insight", wk(12), term=world.term)  # another kind: not this week's reflection
    p = mine(world, world.teacher, r)
    assert (p.done, p.required, p.target) == (10, 11, 20)  # 10 weeks met of 11 teaching weeks elapsed
    assert p.status_label == "进行中"  # 第12周 is still under way
    assert [b.label for b in p.buckets][:5] == ["第1周", "第2周", "第3周", "第4周", "第6周"]
    assert p.buckets[-1].open and not p.buckets[-1].met


def test_weekly_two_in_one_week_do_not_make_up_a_missed_week(world):
    r = req(world, metric="writings.count", filters={"kinds": ["reflection"]}, period=Period.WEEK, threshold=1)
    for w in [1, 2, 4, 6, 7, 8, 9, 10, 11, 11]:
        f.writing(world.teacher, "reflection", wk(w), term=world.term)
    f.writing(world.teacher, "reflection", wk(5), term=world.term)  # written in the holiday week: no bucket
    p = mine(world, world.teacher, r)
    assert (p.done, p.required) == (9, 11)
    assert p.status_label == "落后"
    assert "还差2周" in p.message()


def test_monthly_insights(world):
    r = req(world, metric="writings.count", filters={"kinds": ["insight"]}, period=Period.MONTH, threshold=2)
    for d in [dt.date(2026, 9, 3), dt.date(2026, 9, 20), dt.date(2026, 10, 8), dt.date(2026, 10, 30)]:
        f.writing(world.teacher, "insight", d, term=world.term)
    f.writing(world.colleague, "insight", dt.date(2026, 9, 3), term=world.term)
    f.writing(world.colleague, "insight", dt.date(2026, 10, 3), term=world.term, status="draft")
    grid = progress_for_school(world.school, world.term)
    p = grid.cell(world.teacher.pk, r.pk)
    assert (p.done, p.required, p.target) == (2, 3, 5)  # Sep, Oct met; Nov under way; Sep–Jan
    assert p.status_label == "进行中"
    assert grid.cell(world.colleague.pk, r.pk).status_label == "落后"


def test_reading_note_characters_per_school_year(world):
    r = req(world, metric="writings.chars", filters={"kinds": ["reading_note"]}, period=Period.SCHOOL_YEAR, threshold=5000)
    f.writing(world.teacher, "reading_note", wk(2), term=world.term, chars=1800)
    f.writing(world.teacher, "reading_note", wk(9), term=world.term, chars=1200)
    f.writing(world.teacher, "reflection", wk(9), term=world.term, chars=4000)
    f.writing(world.teacher, "reading_note", dt.date(2026, 5, 1), term=world.prev_term, chars=3000)  # last school year
    p = mine(world, world.teacher, r)
    assert (p.done, p.target) == (3000, 5000)
    assert p.expected == 2750  # 5000 × 11/20 (the school year has one term in this world)
    assert p.status_label == "进行中"
    assert p.message() == "本学年读书笔记已完成3000字，要求5000字，还差2000字"


def test_papers_count_either_kind(world):
    r = req(world, metric="writings.count", filters={"kinds": ["paper", "experience"]}, period=Period.SCHOOL_YEAR, threshold=1)
    f.writing(world.teacher, "experience", wk(3), term=world.term)
    assert mine(world, world.teacher, r).status_label == "达标"


def test_hours_by_category_over_five_year_cycle(world):
    r = req(world, metric="hours.total", filters={"categories": ["online"]}, period=Period.FIVE_YEAR, threshold=100)
    c = world.colleague
    f.hours(c, dt.date(2023, 3, 1), 60, category="online")
    f.hours(c, dt.date(2026, 10, 1), 35.5, category="online")
    f.hours(c, dt.date(2026, 10, 1), 30, category="school")
    f.hours(c, dt.date(2021, 10, 1), 30, category="online")  # the previous cycle (2017–2021)
    f.hours(c, dt.date(2026, 10, 2), 10, category="online").soft_delete()
    p = mine(world, c, r)
    assert p.done == Decimal("95.5")
    assert (p.start, p.end) == (dt.date(2022, 1, 1), dt.date(2026, 12, 31))
    assert p.expected == 97  # pro-rata by days: 100 × 1783/1826 = 97.6 → 97
    assert p.status_label == "落后"
    # the new teacher started teaching in 2025-09: judged from there, owing a share of the cycle
    f.hours(world.teacher, dt.date(2026, 10, 1), 30, category="online")
    q = mine(world, world.teacher, r)
    assert q.judged_from == dt.date(2025, 9, 1)
    assert q.target == 27  # 487 of 1826 days → 26.7 → 27
    assert q.status_label == "达标"


def test_public_lesson_given_by_host_or_speaker(world):
    r = req(world, metric="activities.public_lessons_given", threshold=1)
    planned = f.activity(world.school, "open_lesson", wk(14), term=world.term, host=world.teacher, status="published")
    f.attend(planned, world.teacher, role="host")
    held = f.activity(world.school, "open_lesson", wk(8), term=world.term, host=world.mentor, lesson_kind="research")
    f.attend(held, world.mentor, role="host")
    f.attend(held, world.teacher)  # a listener does not "give" the lesson
    same = f.activity(world.school, "same_topic", wk(9), term=world.term)
    f.attend(same, world.colleague, role="speaker")
    grid = progress_for_school(world.school, world.term)
    assert grid.cell(world.teacher.pk, r.pk).done == 0
    assert grid.cell(world.teacher.pk, r.pk).status_label == "进行中"  # 1 per term: not behind before term ends
    assert grid.cell(world.mentor.pk, r.pk).status_label == "达标"
    assert grid.cell(world.colleague.pk, r.pk).done == 1


def test_prep_speaker_and_attendance(world):
    hosted = req(world, metric="activities.hosted", filters={"kinds": ["lesson_prep"]}, threshold=1)
    attended = req(world, metric="activities.attended", filters={"kinds": ["lesson_prep"]}, threshold=3)
    for w, host in [(2, world.mentor), (3, world.teacher), (4, world.mentor)]:
        a = f.activity(world.school, "lesson_prep", wk(w), term=world.term, group=world.prep, host=host)
        f.attend(a, world.mentor, role="host" if host == world.mentor else "participant")
        f.attend(a, world.teacher, role="speaker" if host == world.teacher else "participant", status="present" if w != 4 else "leave")
    lecture = f.activity(world.school, "lecture", wk(6), term=world.term, host=world.teacher)
    f.attend(lecture, world.teacher, role="host")
    grid = progress_for_school(world.school, world.term)
    assert grid.cell(world.teacher.pk, hosted.pk).done == 1
    assert grid.cell(world.mentor.pk, hosted.pk).done == 2
    assert grid.cell(world.teacher.pk, attended.pk).done == 2  # on leave in 第4周
    assert grid.cell(world.mentor.pk, attended.pk).done == 3


def test_group_leader_organises_weekly(world):
    r = req(world, metric="activities.organised", period=Period.WEEK, threshold=1, applies_to=Audience.GROUP_LEADERS, group_kind="subject")
    for w in [1, 2, 3, 4, 6, 7, 8, 9, 10, 11, 12]:
        f.activity(world.school, "seminar", wk(w), term=world.term, group=world.chinese)
    f.activity(world.school, "seminar", wk(3), term=world.term, group=world.math, status="cancelled")
    grid = progress_for_school(world.school, world.term)
    assert {t for (t, rid) in grid.cells if rid == r.pk} == {world.leader.pk, world.dean.pk}  # 语文组长, 数学组长
    p = grid.cell(world.leader.pk, r.pk)
    assert (p.done, p.required, p.status_label) == (11, 11, "进行中")
    assert grid.cell(world.dean.pk, r.pk).status_label == "落后"
    assert grid.cell(world.mentor.pk, r.pk) is None  # leads a 备课组, not a 教研组


def test_mentee_observes_mentor(world):
    r = req(
        world,
        metric="mentoring.mentee_observed_mentor",
        period=Period.SCHOOL_YEAR,
        threshold=30,
        applies_to="mentees",
    )
    f.mentorship(world.mentor, world.teacher, world.term.school_year)
    for i in range(16):
        f.observation(world.teacher, world.mentor, wk(1 + i % 11), term=world.term)
    f.observation(world.teacher, world.leader, wk(2), term=world.term)  # not the mentor
    f.observation(world.colleague, world.mentor, wk(2), term=world.term)  # not a mentee
    grid = progress_for_school(world.school, world.term)
    assert set(t for (t, rid) in grid.cells if rid == r.pk) == {world.teacher.pk}
    p = grid.cell(world.teacher.pk, r.pk)
    assert (p.done, p.target, p.expected) == (16, 30, 16)  # 30 × 11/20 = 16.5 → 16
    assert p.status_label == "进行中"


def test_audiences(world):
    new = req(world, metric="observations.given", threshold=5, applies_to=Audience.NEW_TEACHERS)
    grp = req(world, metric="observations.given", threshold=5, applies_to=Audience.GROUP, group=world.math)
    role = req(world, metric="observations.given", threshold=5, applies_to=Audience.ROLE, role="principal")
    f.mentorship(world.mentor, world.teacher, world.term.school_year)
    mentors = req(world, metric="mentoring.mentor_observed_mentee", threshold=5, applies_to="mentors")
    grid = progress_for_school(world.school, world.term)

    def who(r):
        return {t for (t, rid) in grid.cells if rid == r.pk}

    assert who(new) == {world.teacher.pk}
    assert who(grp) == {world.dean.pk, world.colleague.pk}
    assert who(role) == {world.principal.pk}
    assert who(mentors) == {world.mentor.pk}


def test_mid_term_joiner_is_judged_from_their_start(world):
    joiner = org.teacher_create(
        actor=SYSTEM, school=world.school, staff_no="099", name="周新", gender="F", teaching_since=wk(8, 0), subject="语文"
    )  # starts Monday of 第8周
    term_req = req(world, metric="observations.given", threshold=20)
    weekly = req(world, metric="writings.count", filters={"kinds": ["reflection"]}, period=Period.WEEK, threshold=1)
    for w in [8, 9, 10, 11]:
        f.writing(joiner, "reflection", wk(w), term=world.term)
        f.observation(joiner, world.mentor, wk(w), term=world.term)
    grid = progress_for_school(world.school, world.term)
    p = grid.cell(joiner.pk, term_req.pk)
    assert p.target == 14  # 第8–21周 = 14 of 20 teaching weeks → 14 lessons
    assert p.expected == 5  # 14 × 5/14 weeks elapsed
    assert p.status_label == "落后"  # 4 of 5
    f.observation(joiner, world.mentor, wk(12), term=world.term)
    assert progress_for_school(world.school, world.term).cell(joiner.pk, term_req.pk).status_label == "进行中"
    w = grid.cell(joiner.pk, weekly.pk)
    assert (w.done, w.required, w.status_label) == (4, 5, "进行中")
    assert w.buckets[0].label == "第8周"


def test_term_over_means_no_grace(world, frozen_today):
    r = req(world, metric="writings.count", filters={"kinds": ["reflection"]}, period=Period.WEEK, threshold=1)
    for w in world.term.teaching_weeks():
        f.writing(world.teacher, "reflection", wk(w), term=world.term)
    p = progress_for_teacher(world.teacher, world.term, on=dt.date(2027, 2, 1))
    assert (p[0].done, p[0].required, p[0].status_label) == (20, 20, "达标")
    assert r.pk == p[0].requirement.pk


def test_empty_school_works(world):
    services.starter_set_adopt(actor=scope_for(world.users["platform_admin"]), school=world.other_school)
    grid = progress_for_school(world.other_school, world.other_term)
    assert len(grid.requirements) == 9
    assert all(p.done == 0 for p in grid.cells.values())


def test_requirement_of_another_school_year_is_ignored(world):
    req(world, metric="observations.given", threshold=5, school_year=world.prev_term.school_year)
    assert progress_for_teacher(world.teacher, world.term) == []


def test_union_statement_built_once_per_shape_equals_the_orms(world):
    """On PostgreSQL `fetch_many` reuses the statement of an earlier call of the same shape
    (metrics, filters, bucketing) with this call's ids and days in their places: it must be
    exactly the statement the ORM builds for these asks, whoever and whenever they are."""
    from django.db import connection

    from xiaoben.requirements import registry

    if connection.vendor != "postgresql":  # elsewhere the ORM adapts days to text and the statement is not reused
        pytest.skip("PostgreSQL only")
    m = {k: registry.get_metric(k) for k in ("observations.given", "writings.count", "activities.attended", "hours.total")}
    m = {k: v for k, v in m.items() if v is not None}
    assert len(m) >= 3

    def asks(**who):
        out = []
        for i, (_key, metric) in enumerate(sorted(m.items())):
            s = dt.date(2026, 8, 31) + dt.timedelta(days=7 * i + who.pop("shift", 0))
            out.append(
                {"metric": metric, "start": s, "end": s + dt.timedelta(days=90), "filters": None, "by": "week" if i % 2 else None, **who}
            )
        return out

    for who in ({"teacher_id": world.teacher.pk}, {"teacher_id": world.mentor.pk, "shift": 3}, {"school_id": world.school.pk}):
        a = asks(**who)
        shape = registry._shape_of(a)
        sql, params = registry._union(a).query.sql_with_params()
        first = registry.union_sql(a, shape)
        assert first == (sql, list(params))
        assert registry.union_sql(a, shape) == first  # from the cache this time


def test_fetch_many_answers_plain_asks_before_a_bucketed_one(world):
    """Two plain aggregates ahead of a weekly one: PostgreSQL types the first two parts' empty
    bucket as text unless it is cast to a date, and then refuses the weekly part's dates."""
    from xiaoben.requirements import registry

    for w in (2, 3, 3):
        f.writing(world.teacher, "reflection", wk(w), term=world.term)
    f.observation(world.teacher, world.mentor, wk(2), term=world.term)
    start, end = world.term.start_date, world.term.end_date
    obs, wr = registry.get_metric("observations.given"), registry.get_metric("writings.count")
    asks = [
        {"metric": obs, "start": start, "end": end, "filters": None, "school_id": world.school.pk},
        {"metric": wr, "start": start, "end": end, "filters": None, "school_id": world.school.pk},
        {"metric": wr, "start": start, "end": end, "filters": None, "school_id": world.school.pk, "by": "week"},
    ]
    given, written, weekly = registry.fetch_many(asks)
    assert given[world.teacher.pk] == 1
    assert written[world.teacher.pk] == 3
    assert sorted(v for (tid, _), v in weekly.items() if tid == world.teacher.pk) == [1, 2]
    assert registry.fetch_many(asks) == [given, written, weekly]  # PostgreSQL: the cached statement
