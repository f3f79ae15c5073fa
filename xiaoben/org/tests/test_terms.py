import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.scope import SYSTEM
from xiaoben.org import services
from xiaoben.org.selectors import current_term


def test_term_name_and_weeks(world):
    t = world.term
    assert t.name == "2026-2027学年第一学期"
    assert t.week_of(dt.date(2026, 9, 1)) == 1  # a Tuesday: week 1 starts Monday 8-31
    assert t.week_of(dt.date(2026, 9, 6)) == 1
    assert t.week_of(dt.date(2026, 9, 7)) == 2
    assert t.week_of(world.today) == 12
    assert t.week_range(2) == (dt.date(2026, 9, 7), dt.date(2026, 9, 13))


def test_teaching_weeks_skip_holidays(world):
    weeks = world.term.teaching_weeks(upto=world.today)
    assert weeks == [w for w in range(1, 13) if w != 5]
    assert world.term.teaching_weeks(upto=dt.date(2026, 8, 1)) == []


def test_current_term_in_and_between_terms(world):
    assert current_term(world.school.pk, world.today) == world.term
    # summer holiday: still last term's paperwork
    assert current_term(world.school.pk, dt.date(2026, 8, 10)) == world.prev_term
    assert current_term(None) is None


def test_overlapping_terms_refused(world):
    with pytest.raises(ValidationError, match="重叠"):
        services.term_create(
            actor=SYSTEM, school=world.school, start_year=2026, number=2, start_date=dt.date(2027, 1, 1), end_date=dt.date(2027, 7, 1)
        )


def test_new_teacher_is_derived_from_teaching_years(world):
    assert world.teacher.is_new(world.today)
    assert not world.mentor.is_new(world.today)
    assert world.teacher.age(world.today) == 25


def test_term_and_group_rules_hold_without_a_form(world):
    """The term length limit and 组长 ≠ 副组长 are the services' rules (forms only show them)."""
    with pytest.raises(ValidationError, match="不应超过26周"):
        services.term_create(
            actor=SYSTEM, school=world.school, start_year=2030, number=1, start_date=dt.date(2030, 9, 1), end_date=dt.date(2031, 6, 30)
        )
    with pytest.raises(ValidationError, match="既是组长又是副组长"):
        services.group_set_members(
            actor=SYSTEM, group=world.chinese, leader_ids=[world.leader.pk], deputy_ids=[world.leader.pk], member_ids=[]
        )
