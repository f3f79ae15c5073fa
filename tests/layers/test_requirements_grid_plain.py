"""Every cell of a school's compliance grid equals a plain loop over the records behind it.

The engine answers a whole school with one UNION of grouped aggregates and evaluates cells per
requirement column (issue #13); here each cell is recomputed the slow, obvious way — per
teacher, per week or month, counting the records `metric.records()` lists — and the cell
seen by one teacher (`progress_for_teacher`, the home card) is the same object as the grid's.

The world's term starts Monday 2026-08-31 (第1周), 第5周 is a holiday week, today is
2026-11-18 (第12周)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum

from tests import factories as f
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.org import services as org
from xiaoben.requirements import services
from xiaoben.requirements.engine import progress_for_school, progress_for_teacher
from xiaoben.requirements.models import Period, Status

pytestmark = pytest.mark.django_db


def wk(n: int, dow: int = 2) -> dt.date:
    return dt.date(2026, 8, 31) + dt.timedelta(weeks=n - 1, days=dow)


@pytest.fixture
def busy_school(world):
    """The starter set, a mid-term joiner, and records of every kind spread over the term."""
    services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每两周听课一节",
        metric="observations.given",
        period=Period.TWO_WEEK,
        threshold=1,
    )
    joiner = org.teacher_create(
        actor=SYSTEM,
        school=world.school,
        staff_no="099",
        name="周新",
        gender="F",
        teaching_since=dt.date(2010, 9, 1),
        joined_on=wk(9, 0),
        subject="语文",
    )
    people = [world.teacher, world.colleague, world.mentor, joiner]
    for i, t in enumerate(people):
        other = people[(i + 1) % len(people)]
        for w in range(1, 13, 1 + i):
            f.observation(t, other, wk(w, i % 5), term=world.term)
            f.writing(t, "reflection", wk(w, (w + i) % 7), term=world.term)
            if w % 3 == i % 3:
                f.writing(t, "insight", wk(w), term=world.term)
                f.writing(t, "reading_note", wk(w), term=world.term, chars=700 + 100 * i)
        f.writing(t, "reflection", wk(4), term=world.term, status="draft")  # not counted
        act = f.activity(world.school, "lesson_prep", wk(3 + i), term=world.term)
        f.attend(act, t, role="speaker" if i % 2 else "participant")
        f.hours(t, wk(2 + i), 3 + i)
    return people


def _value(p) -> Decimal:
    m = p.requirement.metric_obj
    rows = m.records(teacher_id=p.teacher_id, start=p.start, end=p.end, filters=p.requirement.filters)
    return _amount(m, rows)


def _amount(m, rows) -> Decimal:
    if m.sum:
        return Decimal(rows.aggregate(s=Sum(m.sum))["s"] or 0)
    return Decimal(rows.count())


def _bucket_plain(p, b) -> Decimal:
    """The records of one week (or pair of teaching weeks, or month) of this cell, counted alone."""
    r, m = p.requirement, p.requirement.metric_obj
    if r.period == Period.MONTH:
        spans = [(b.start, b.end)]
    else:  # each teaching week of the bucket (a pair skips a holiday week between its weeks)
        mondays = [b.start - dt.timedelta(days=b.start.weekday())]
        if r.period == Period.TWO_WEEK:
            last = b.end - dt.timedelta(days=b.end.weekday())
            mondays = sorted({mondays[0], last})
        spans = [(max(mo, p.start), mo + dt.timedelta(days=6)) for mo in mondays]
    return sum((_amount(m, m.records(teacher_id=p.teacher_id, start=s, end=e, filters=r.filters)) for s, e in spans), Decimal(0))


def test_every_grid_cell_equals_a_plain_loop(world, busy_school):
    grid = progress_for_school(world.school, world.term)
    assert grid.requirements and len(grid.cells) >= 4 * len(grid.requirements) - 4
    _assert_plain(grid)


def test_kept_counts_follow_records_created_edited_and_deleted_between_two_reads(world, busy_school):
    """The grid reads kept per-teacher values (requirements/kept.py); every write between two
    reads — a create, an edit moving a record to another week or out of the count, a soft and
    a hard delete, a bulk update announced with `rows_changed`, a teacher leaving — shows in
    the second read exactly as a plain count gives it."""
    from xiaoben.activities.models import Attendance
    from xiaoben.core.changes import rows_changed
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    teacher, colleague, mentor, joiner = busy_school
    first = progress_for_school(world.school, world.term)
    _assert_plain(first)
    # created
    f.observation(joiner, teacher, wk(11, 1), term=world.term)
    f.writing(colleague, "reflection", wk(12, 0), term=world.term)
    f.hours(mentor, wk(10), 4)
    act = f.activity(world.school, "lesson_prep", wk(11), term=world.term)
    f.attend(act, joiner, role="speaker")
    # edited: to another week, out of the count (back to draft), a bigger sum
    o = Observation.objects.filter(observer=teacher).order_by("lesson_date").first()
    o.lesson_date = wk(12, 1)
    o.save()
    w = Writing.objects.filter(author=mentor, kind="reflection").order_by("written_on").first()
    w.status = "draft"
    w.save()
    note = Writing.objects.filter(author=colleague, kind="reading_note").first()
    note.char_count = 5000
    note.save()
    # deleted: soft and hard
    Observation.objects.filter(observer=colleague).order_by("lesson_date").first().soft_delete()
    Attendance.objects.filter(teacher=mentor).delete()
    # a bulk update the writer announces
    ids = list(Writing.objects.filter(author=joiner, kind="reflection").values_list("pk", flat=True)[:2])
    Writing.objects.filter(pk__in=ids).update(status="draft")
    rows_changed(Writing, ids)
    second = progress_for_school(world.school, world.term)
    _assert_plain(second)
    changed = [k for k, p in second.cells.items() if first.cells.get(k) is None or first.cells[k].done != p.done]
    assert {tid for tid, _ in changed} >= {teacher.pk, colleague.pk, mentor.pk, joiner.pk}
    # a teacher who leaves is no longer in the grid; the rest stay exact
    colleague.is_active = False
    colleague.save()
    third = progress_for_school(world.school, world.term)
    assert colleague.pk not in {t.pk for t in third.teachers}
    _assert_plain(third)
    assert third.cells[(teacher.pk, third.requirements[0].pk)] == second.cells[(teacher.pk, second.requirements[0].pk)]


def _assert_plain(grid) -> None:
    seen_kinds = set()
    for (tid, _rid), p in grid.cells.items():
        r = p.requirement
        if r.is_bucketed:
            values = [_bucket_plain(p, b) for b in p.buckets]
            assert [b.value for b in p.buckets] == values, (r.name, tid)
            assert p.done == sum(1 for v in values if v >= r.threshold), (r.name, tid)
            assert p.required == len(p.buckets)
            owed = sum(1 for b in p.buckets if not b.open)
            want = Status.MET if p.target and p.done >= p.target else Status.ON_TRACK if p.done >= owed else Status.BEHIND
        else:
            assert p.done == _value(p), (r.name, tid)
            want = Status.MET if p.done >= p.target else Status.ON_TRACK if p.done >= p.expected else Status.BEHIND
        assert p.status == want, (r.name, tid)
        seen_kinds.add((r.period, bool(p.done)))
    # the data reaches every kind of period, with and without records
    assert {Period.WEEK, Period.TWO_WEEK, Period.MONTH, Period.TERM, Period.SCHOOL_YEAR} <= {k for k, _ in seen_kinds}
    assert (Period.WEEK, True) in seen_kinds and (Period.TERM, True) in seen_kinds


def test_one_teachers_cells_equal_the_grids(world, busy_school):
    grid = progress_for_school(world.school, world.term)
    for t in busy_school:
        own = progress_for_teacher(t, world.term)
        assert own == grid.for_teacher(t.pk)
        for a, b in zip(own, grid.for_teacher(t.pk), strict=True):
            assert a.buckets == b.buckets
