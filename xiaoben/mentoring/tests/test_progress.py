"""Quota progress is counted from the observation records, only the right ones."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.mentoring import selectors, services
from xiaoben.mentoring.models import Direction
from xiaoben.org import services as org

from .factories import observe, pair_for

D = dt.date(2026, 10, 12)


def _progress(world, pairs):
    progress, year, term = selectors.progress_for(pairs, school_id=world.school.pk, school_year=world.term.school_year, term=world.term)
    return {pp.pair.pk: {q.quota.label: q.count for q in pp.quotas} for pp in progress}, year, term


def test_default_quotas_are_the_seeds_rules(world):
    pair = pair_for(world)
    (pp,), _, _ = selectors.progress_for([pair], school_id=world.school.pk, school_year=world.term.school_year)
    quotas = {q.quota.label: (q.quota.direction, q.target) for q in pp.quotas}
    assert quotas == {"徒弟听师傅的课": (Direction.MENTEE_OBSERVES, 30), "师傅听徒弟的课": (Direction.MENTOR_OBSERVES, 20)}
    # the quotas are the school's requirements: the engine shows the 徒弟 the same figure
    from xiaoben.requirements.engine import progress_for_teacher

    (p,) = progress_for_teacher(world.teacher, metric="mentoring.mentee_observed_mentor")
    assert (p.done, p.target) == (pp.quotas[0].count, 30)


def test_only_the_pairs_observations_in_the_right_direction_count(world):
    pair = pair_for(world)
    observe(world, world.teacher, world.mentor, D)  # mentee listens to mentor: counts as 指导课
    observe(world, world.teacher, world.mentor, D, kind="demo")
    observe(world, world.mentor, world.teacher, D, kind="report")  # mentor listens to mentee
    observe(world, world.teacher, world.leader, D)  # outside the pair
    observe(world, world.leader, world.teacher, D)  # outside the pair
    observe(world, world.mentor, world.colleague, D)  # mentor observing someone else
    counts, year, term = _progress(world, [pair])
    assert counts[pair.pk] == {"徒弟听师傅的课": 2, "师傅听徒弟的课": 1}
    assert (year.total, year.guide, year.report) == (3, 2, 1)
    assert (term.total, term.guide, term.report) == (3, 2, 1)


def test_drafts_deleted_and_other_schools_do_not_count(world):
    pair = pair_for(world)
    observe(world, world.teacher, world.mentor, D, status="draft")
    observe(world, world.teacher, world.mentor, D).soft_delete()
    observe(world, world.teacher, world.mentor, D, school=world.other_school, term=world.other_term)
    counts, _, _ = _progress(world, [pair])
    assert counts[pair.pk]["徒弟听师傅的课"] == 0


def test_year_boundaries(world):
    """Only lessons inside the school year's terms count: the last school year and the
    summer before do not; the year's last day does."""
    pair = pair_for(world)
    org.term_create(
        actor=SYSTEM, school=world.school, start_year=2026, number=2, start_date=dt.date(2027, 2, 22), end_date=dt.date(2027, 7, 2)
    )
    observe(world, world.teacher, world.mentor, dt.date(2026, 6, 30), term=world.prev_term)  # last school year
    observe(world, world.teacher, world.mentor, dt.date(2026, 8, 31), term=world.prev_term)  # summer
    observe(world, world.teacher, world.mentor, dt.date(2026, 9, 1))  # first day: counts
    observe(world, world.teacher, world.mentor, dt.date(2027, 7, 2))  # last day: counts
    observe(world, world.teacher, world.mentor, dt.date(2027, 7, 3))  # after: no
    counts, _, term = _progress(world, [pair])
    assert counts[pair.pk]["徒弟听师傅的课"] == 2
    assert term.guide == 1  # only 2026-09-01 is in 第一学期


def test_one_mentor_two_mentees(world):
    second = org.teacher_create(
        actor=SYSTEM, school=world.school, staff_no="033", name="周新", gender="F", teaching_since=dt.date(2025, 9, 1), subject="语文"
    )
    a, b = pair_for(world), pair_for(world, mentee=second)
    observe(world, world.teacher, world.mentor, D)
    observe(world, second, world.mentor, D)
    observe(world, second, world.mentor, D)
    observe(world, world.mentor, second, D)
    counts, year, _ = _progress(world, [a, b])
    # a 师傅's quota is the 师傅's (one requirement, audience 师傅): the lessons of all their 徒弟
    assert counts[a.pk] == {"徒弟听师傅的课": 1, "师傅听徒弟的课": 1}
    assert counts[b.pk] == {"徒弟听师傅的课": 2, "师傅听徒弟的课": 1}
    assert year.total == 4


def test_school_quota_with_a_kind(world):
    from xiaoben.core.scope import scope_for

    services.quota_rules_save(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        rules=[
            {"label": "徒弟听师傅的课", "direction": "mentee_observes", "kind": "", "target": 30},
            {"label": "汇报课", "direction": "mentor_observes", "kind": "report", "target": 2},
        ],
    )
    pair = pair_for(world)
    observe(world, world.mentor, world.teacher, D, kind="report")
    observe(world, world.mentor, world.teacher, D, kind="push")
    counts, _, _ = _progress(world, [pair])
    assert counts[pair.pk] == {"徒弟听师傅的课": 0, "汇报课": 1}


def test_recording_an_observation_moves_progress_by_one(world):
    pair = pair_for(world)
    before, _, _ = _progress(world, [pair])
    observe(world, world.mentor, world.teacher, world.today)
    after, _, _ = _progress(world, [pair])
    assert after[pair.pk]["师傅听徒弟的课"] == before[pair.pk]["师傅听徒弟的课"] + 1


def test_pair_rules(world):
    pair_for(world)
    with pytest.raises(ValidationError):
        pair_for(world)  # twice
    with pytest.raises(ValidationError):
        pair_for(world, mentor=world.teacher, mentee=world.teacher)
    with pytest.raises(ValidationError):
        pair_for(world, mentor=world.other_teacher)


def test_bulk_is_all_or_nothing(world):
    from xiaoben.mentoring.models import Mentorship

    with pytest.raises(ValidationError):
        services.mentorships_create_bulk(
            actor=SYSTEM,
            school=world.school,
            school_year=world.term.school_year,
            pairs=[(world.teacher.pk, world.mentor.pk), (world.colleague.pk, world.colleague.pk)],
            start_date=dt.date(2026, 9, 10),
        )
    assert not Mentorship.objects.exists()


def test_monthly_report_counts_come_from_the_records(world):
    pair = pair_for(world)
    observe(world, world.teacher, world.mentor, dt.date(2026, 10, 8))
    observe(world, world.mentor, world.teacher, dt.date(2026, 10, 9))
    observe(world, world.mentor, world.teacher, dt.date(2026, 11, 2))  # next month
    r = services.report_file(
        pair=pair, month=dt.date(2026, 10, 1), work_done="指导备课三次", actor=scope_for(world.users["teacher"]), today=world.today
    )
    assert (r.mentee_observed, r.mentor_observed) == (1, 1)
    with pytest.raises(ValidationError):
        services.report_file(
            pair=pair, month=dt.date(2026, 12, 1), work_done="x", actor=scope_for(world.users["teacher"]), today=world.today
        )
    with pytest.raises(ValidationError):
        services.report_file(
            pair=pair, month=dt.date(2026, 11, 1), work_done="  ", actor=scope_for(world.users["teacher"]), today=world.today
        )


def test_overdue_reports(world):
    """Due months: September and October (each over 5 days after month end); November not yet."""
    pair = pair_for(world)
    services.report_file(
        pair=pair, month=dt.date(2026, 9, 1), work_done="学习课标", actor=scope_for(world.users["mentor"]), today=world.today
    )
    progress, _, _ = selectors.progress_for([pair], school_id=world.school.pk, school_year=world.term.school_year)
    selectors.attach_report_status(progress, bounds=selectors.year_bounds(world.term.school_year), today=world.today, grace=5)
    assert progress[0].overdue_months == [dt.date(2026, 10, 1)]


def test_school_ratings_feed_assessment(world):
    pair = pair_for(world)
    with pytest.raises(ValidationError):
        services.evaluation_save(pair=pair, role="school_on_mentee", grade="", comment="好", actor=scope_for(world.users["dean"]))
    services.evaluation_save(
        pair=pair, role="school_on_mentee", grade="excellent", comment="进步明显", actor=scope_for(world.users["dean"])
    )
    services.evaluation_save(pair=pair, role="school_on_mentor", grade="pass", comment="认真", actor=scope_for(world.users["dean"]))
    services.evaluation_save(pair=pair, role="mentor_on_mentee", grade="excellent", comment="勤奋", actor=scope_for(world.users["mentor"]))
    res = selectors.mentorship_results(school_id=world.school.pk, school_year_id=world.term.school_year_id)
    assert res[world.teacher.pk]["as_mentee"] == "excellent"
    assert res[world.mentor.pk]["as_mentor"] == "pass"
