"""Kept metric values (requirements/kept.py) equal the live computation from the records after
every kind of write the apps make: create, edit, a move to another school, soft delete and
restore, delete, status changes through `QuerySet.update` (writings), an activity cancelled or
moved, a mentorship ended, imported rows — and the region comparison's shares equal the ones
computed from the records. A write that bypasses both the model signals and `rows_changed`
leaves the series stale until the nightly `refresh(force=True)`: shown too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories as f
from xiaoben.core.scope import scope_for
from xiaoben.observations.models import Observation
from xiaoben.region.progress import region_progress
from xiaoben.requirements import kept
from xiaoben.requirements.models import KeptSeries, Requirement
from xiaoben.requirements.registry import get_metric
from xiaoben.writings import services as writings

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("observations.given", {}, None),
    ("observations.received", {}, None),
    ("writings.count", {"kinds": ["reflection"]}, "month"),
    ("writings.chars", {}, None),
    ("activities.attended", {}, None),
    ("activities.hosted", {}, None),
    ("activities.organised", {}, "week"),
    ("hours.total", {}, None),
    ("mentoring.mentee_observed_mentor", {}, None),
    ("research.achievements", {}, None),
]


def _ids(world):
    return [world.school.pk, world.other_school.pk]


def _same(world, only=None):
    """Every kept answer equals the live one (and is not empty where records exist)."""
    start, end = world.term.start_date, world.term.end_date
    for key, filters, by in QUESTIONS:
        if only and key not in only:
            continue
        m = get_metric(key)
        kw = {"school_ids": _ids(world), "start": start, "end": end, "filters": filters, "by": by}
        assert kept.values(m, **kw) == kept.live_values(m, **kw), key


def _day(n: int) -> dt.date:
    return dt.date(2026, 11, n)


def test_observations_create_edit_move_soft_delete_restore_delete(world):
    _same(world)
    o = f.observation(world.teacher, world.colleague, _day(3), term=world.term)
    _same(world)
    assert kept.values(get_metric("observations.given"), school_ids=_ids(world), start=world.term.start_date, end=world.term.end_date)
    o.lesson_date = dt.date(2026, 8, 1)  # out of the term
    o.save()
    _same(world)
    o.lesson_date = _day(4)
    o.observer = world.other_teacher  # now counts for the other school
    o.save()
    _same(world)
    o.soft_delete()
    _same(world)
    o.restore()
    _same(world)
    o.status = "draft"
    o.save(update_fields=["status"])
    _same(world)
    Observation.all_objects.filter(pk=o.pk).delete()
    _same(world)


def test_writings_status_moves_through_update_and_copy_hold(world):
    _same(world)
    w = f.writing(world.teacher, "reflection", _day(5), term=world.term, status="draft")
    _same(world)
    writings.writing_submit(writing=w, actor=scope_for(world.teacher.user))  # QuerySet.update + rows_changed
    _same(world)
    w.refresh_from_db()
    writings.writing_withdraw(writing=w, actor=scope_for(world.teacher.user))
    _same(world)
    w.refresh_from_db()
    w.status, w.char_count = "submitted", 900
    w.save()
    _same(world)
    w.soft_delete()
    _same(world)


def test_activity_cancelled_moved_and_attendance_changed(world):
    act = f.activity(world.school, "lesson_prep", _day(6), term=world.term, host=world.leader, group=world.chinese)
    a = f.attend(act, world.teacher)
    f.attend(act, world.other_teacher)  # a teacher of another school invited
    _same(world)
    a.status = "absent"
    a.save()
    _same(world)
    act.status = "cancelled"
    act.save()
    _same(world)
    act.status, act.starts_at = "held", act.starts_at - dt.timedelta(days=150)  # before the term
    act.save()
    _same(world)
    act.starts_at += dt.timedelta(days=150)
    act.save()
    act.delete()
    _same(world)


def test_mentorship_hours_achievements_and_teacher_moves(world):
    ms = f.mentorship(world.mentor, world.teacher, world.term.school_year)
    f.observation(world.teacher, world.mentor, _day(9), term=world.term)
    _same(world)
    ms.is_active = False
    ms.save()
    _same(world, only={"mentoring.mentee_observed_mentor"})
    h = f.hours(world.teacher, _day(10), 3)
    _same(world, only={"hours.total"})
    h.hours = Decimal("4.5")
    h.save()
    _same(world, only={"hours.total"})
    h.delete()
    _same(world, only={"hours.total"})
    # the teacher moves to the other school: counted there, no longer here
    f.observation(world.colleague, world.mentor, _day(11), term=world.term)
    _same(world)
    world.colleague.school = world.other_school
    world.colleague.save()
    _same(world)


def test_a_write_past_both_hooks_is_caught_by_the_nightly_refresh(world):
    o = f.observation(world.teacher, world.colleague, _day(3), term=world.term)
    _same(world)
    Observation.all_objects.filter(pk=o.pk).update(status="draft")  # raw bulk write, nobody told
    m = get_metric("observations.given")
    kw = {"school_ids": _ids(world), "start": world.term.start_date, "end": world.term.end_date}
    assert kept.values(m, **kw) != kept.live_values(m, **kw)
    assert kept.refresh(force=True) >= 2
    _same(world)


def test_fresh_values_are_two_reads_and_past_windows_are_pruned(world):
    f.observation(world.teacher, world.colleague, _day(3), term=world.term)
    m = get_metric("observations.given")
    kw = {"school_ids": _ids(world), "start": world.term.start_date, "end": world.term.end_date}
    first = kept.values(m, **kw)
    with CaptureQueriesContext(connection) as ctx:
        assert kept.values(m, **kw) == first
    assert len(ctx.captured_queries) == 2
    kept.values(m, school_ids=_ids(world), start=dt.date(2024, 9, 1), end=dt.date(2025, 1, 20))
    assert kept.refresh() == 0
    assert not KeptSeries.objects.filter(ends_on__lt=dt.date(2025, 6, 1)).exists()


def test_region_shares_from_kept_values_equal_the_live_ones(world):
    reqs = [
        Requirement.objects.create(region=world.district, name="听课", metric="observations.given", period="term", threshold=2),
        Requirement.objects.create(
            region=world.district, name="反思", metric="writings.count", period="month", threshold=1, filters={"kinds": ["reflection"]}
        ),
    ]
    schools = [world.school]
    f.observation(world.teacher, world.colleague, _day(3), term=world.term)
    f.observation(world.teacher, world.colleague, _day(4), term=world.term)
    f.writing(world.teacher, "reflection", _day(5), term=world.term)

    def counts(live):
        got = region_progress(schools, reqs, live=live)
        return {k: (c.met, c.on_track, c.behind) for k, c in got.items()}

    assert counts(False) == counts(True)
    assert counts(False)[(world.school.pk, reqs[0].pk)][0] == 1
    f.observation(world.mentor, world.colleague, _day(5), term=world.term)
    f.observation(world.mentor, world.colleague, _day(6), term=world.term)
    assert counts(False) == counts(True)
    assert counts(False)[(world.school.pk, reqs[0].pk)][0] == 2
