"""The comparison's counts come from kept tallies (`region.tally`): every column must equal a
plain count of the records, after records are created, edited (also moved to another
school, and through `QuerySet.update` + `rows_changed`), soft-deleted and deleted."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core.changes import rows_changed
from xiaoben.core.scope import scope_for
from xiaoben.hours.models import HourEntry
from xiaoben.hours.selectors import region_hour_stats
from xiaoben.observations.models import Observation
from xiaoben.org.models import School, Teacher
from xiaoben.region import comparison, tally
from xiaoben.region.models import SchoolTally
from xiaoben.region.tests.test_home import _add_schools
from xiaoben.writings.models import Writing

pytestmark = pytest.mark.django_db

START, END, YEAR = dt.date(2026, 8, 1), dt.date(2027, 1, 31), 2026


def _live_rows(schools: list[School]) -> dict[int, dict]:
    """Each column of the comparison counted the plain way, school by school."""
    out = {}
    hours = {r["school"].pk: r for r in region_hour_stats(school_ids=[s.pk for s in schools], year=YEAR)}
    for s in schools:
        n = Teacher.objects.filter(school=s, is_active=True).count()
        acts = Activity.objects.filter(school=s, starts_at__date__gte=START, starts_at__date__lte=END).exclude(status="cancelled")
        obs = Observation.objects.filter(school=s, status="submitted", lesson_date__gte=START, lesson_date__lte=END).count()
        wr = Writing.objects.filter(school=s, written_on__gte=START, written_on__lte=END).exclude(status="draft")
        total = HourEntry.objects.filter(school=s, date__year=YEAR).aggregate(t=Sum("hours"))["t"] or Decimal(0)
        out[s.pk] = {
            "teachers": n,
            "activities": acts.count(),
            "by_kind": {k: acts.filter(kind=k).count() for k in set(acts.values_list("kind", flat=True))},
            "observations": obs,
            "writings": wr.count(),
            "copied": wr.filter(copy_state__in=["flagged", "confirmed"]).count(),
            "shared": wr.filter(visibility="region").count(),
            "hours_per_teacher": float((total / n).quantize(Decimal("0.1"))) if n else 0.0,
            "hours_met": hours[s.pk]["met"],
        }
    return out


def _kept_rows(world) -> dict[int, dict]:
    data = comparison.compare(scope_for(world.user("researcher")), start=START, end=END, year=YEAR)
    kinds = [k for k, _l in data["kinds"]]
    return {
        r["school"].pk: {
            "teachers": r["teachers"],
            "activities": r["activities"],
            "by_kind": {k: n for k, n in zip(kinds, r["by_kind"], strict=True) if n},
            "observations": r["observations"],
            "writings": r["writings"],
            "copied": r["copied"],
            "shared": r["shared"],
            "hours_per_teacher": r["hours_per_teacher"],
            "hours_met": r["hours_met"],
        }
        for r in data["rows"]
    }


def _same(world) -> dict[int, dict]:
    kept = _kept_rows(world)
    schools = list(School.objects.filter(pk__in=list(kept)))
    assert kept == _live_rows(schools)
    return kept


def test_every_column_equals_the_live_count_through_writes(world):
    _add_schools(world, 2)
    a, b = world.school, School.objects.get(code="T-N0")
    tb = Teacher.objects.filter(school=b).first()
    assert _same(world)[a.pk]["activities"] == 0  # the tallies are made (empty)
    assert SchoolTally.objects.filter(school=a).count() == 4

    # created
    noon = timezone.make_aware(dt.datetime(2026, 10, 12, 12))
    act = Activity.objects.create(school=a, term=world.term, kind="lesson_prep", title="备课", starts_at=noon, status="done")
    Activity.objects.create(school=a, term=world.term, kind="lecture", title="讲座", starts_at=noon, status="done")
    obs = [
        Observation.objects.create(
            school=a,
            term=world.term,
            observer=world.mentor,
            teacher=world.teacher,
            lesson_date=dt.date(2026, 10, 10 + i),
            status="submitted",
        )
        for i in range(3)
    ]
    wr = [
        Writing.objects.create(
            school=a,
            term=world.term,
            author=world.teacher,
            kind="reflection",
            title=str(i),
            written_on=dt.date(2026, 11, 2),
            status="submitted",
        )
        for i in range(3)
    ]
    entry = HourEntry.objects.create(school=a, teacher=world.teacher, date=dt.date(2026, 10, 1), hours=Decimal("80.0"), source="manual")
    HourEntry.objects.create(school=b, teacher=tb, date=dt.date(2026, 3, 1), hours=Decimal("5.5"), source="manual", category="region")
    got = _same(world)
    assert (got[a.pk]["activities"], got[a.pk]["observations"], got[a.pk]["writings"]) == (2, 3, 3)
    assert got[a.pk]["hours_met"] == 1 and got[b.pk]["hours_per_teacher"] == 2.8

    # edited: cancelled, moved out of the window, flagged, shared, moved to another school
    act.status = "cancelled"
    act.save()
    obs[0].lesson_date = dt.date(2027, 3, 1)
    obs[0].save()
    wr[0].copy_state = "flagged"
    wr[0].save()
    wr[1].visibility = "region"
    wr[1].save()
    wr[2].school = b
    wr[2].save()
    entry.hours = Decimal("10.0")
    entry.save()
    got = _same(world)
    assert (got[a.pk]["activities"], got[a.pk]["observations"], got[a.pk]["writings"], got[b.pk]["writings"]) == (1, 2, 2, 1)
    assert (got[a.pk]["copied"], got[a.pk]["shared"], got[a.pk]["hours_met"]) == (1, 1, 0)

    # QuerySet.update, told through rows_changed
    Observation.objects.filter(pk=obs[1].pk).update(status="draft")
    rows_changed(Observation, [obs[1].pk])
    Writing.objects.filter(pk=wr[0].pk).update(copy_state="confirmed", visibility="region")
    rows_changed(Writing, [wr[0].pk])
    got = _same(world)
    assert got[a.pk]["observations"] == 1 and got[a.pk]["shared"] == 2

    # soft-deleted and deleted
    obs[2].delete()
    wr[1].delete()
    entry.delete()
    Activity.objects.filter(school=a, kind="lecture").get().delete()
    got = _same(world)
    assert (got[a.pk]["activities"], got[a.pk]["observations"], got[a.pk]["writings"]) == (0, 0, 1)
    assert got[a.pk]["hours_per_teacher"] == 0.0


def test_fresh_tallies_are_read_not_recomputed(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ids = [world.school.pk]
    windows = {m: (START, END) for m in tally.LIVE}
    tally.counts(ids, windows)
    with CaptureQueriesContext(connection) as ctx:
        tally.counts(ids, windows)
    assert len(ctx.captured_queries) == 1
    # a tally older than a day is recomputed (the safety net for raw SQL writes)
    SchoolTally.objects.filter(measure="observations").update(computed_at=timezone.now() - dt.timedelta(days=2))
    Observation.objects.bulk_create(
        [
            Observation(
                school=world.school, term=world.term, observer=world.mentor, teacher=world.teacher, lesson_date=START, status="submitted"
            )
        ]
    )
    assert tally.counts(ids, windows)["observations"][world.school.pk] == {"n": 1}
