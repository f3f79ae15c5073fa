"""The comparison's per-school counts, kept: activities by kind, counted 听课, writings
(handed in, flagged/confirmed as copied, shared to the region) and 学时 by category, each
per school and window in a `SchoolTally` row, recomputed only for the schools whose records
changed since.

    counts(school_ids, {"activities": (start, end), "hours": (jan1, dec31), …})
        -> {measure: {school_id: data}}      # exactly what live(measure, …) answers

Freshness, as `requirements.kept`: every save (before: the school the row counted for;
after: its school now), delete and `core.changes.rows_changed` of an Activity, Observation,
Writing or HourEntry bumps `gen` of that school's tallies of the measure, in the writer's
transaction. A read recomputes the stale tallies of the question in ONE grouped query per
measure (the live one below, on the stale schools only) under a row lock, so a write
during the refresh leaves the tally stale, never wrong. A tally computed more than a day
ago is recomputed too (the safety net for a write that bypasses both, e.g. raw SQL).

Queries of `counts`: 1 (every measure's tallies at once), plus 2 when some are new, plus
per measure with stale schools 3 (lock, the live aggregate, the update) — whatever the
number of schools."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import models, transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from .models import SchoolTally

MAX_AGE = dt.timedelta(days=1)
Data = dict[str, object]


def _activities(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Data]:
    from xiaoben.activities.models import Activity

    out: dict[int, Data] = {}
    rows = (
        Activity.objects.filter(school_id__in=ids, starts_at__date__gte=start, starts_at__date__lte=end)
        .exclude(status="cancelled")
        .order_by()
        .values("school_id", "kind")
        .annotate(n=Count("id"))
    )
    for r in rows:
        out.setdefault(r["school_id"], {})[r["kind"]] = r["n"]
    return out


def _observations(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Data]:
    from xiaoben.observations.models import Observation

    rows = (
        Observation.objects.counted()
        .filter(school_id__in=ids, lesson_date__gte=start, lesson_date__lte=end)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
    )
    return {r["school_id"]: {"n": r["n"]} for r in rows}


def _writings(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Data]:
    from xiaoben.writings.selectors import school_writing_counts  # writings' own rule for "copied"

    return {sid: dict(v) for sid, v in school_writing_counts(school_ids=ids, start=start, end=end).items()}


def _hours(ids: list[int], start: dt.date, end: dt.date) -> dict[int, Data]:
    """学时 by category (as strings: exact decimals in JSON), as `hours.selectors.region_hour_stats` sums them."""
    from xiaoben.hours.models import HourCategory, HourEntry

    sums = {"total": Sum("hours"), **{c: Sum("hours", filter=Q(category=c)) for c in HourCategory.values}}
    rows = (
        HourEntry.objects.counted()
        .filter(school_id__in=ids, date__gte=start, date__lte=end)
        .order_by()
        .values("school_id")
        .annotate(**sums)
    )
    return {r["school_id"]: {k: str(Decimal(r[k] or 0)) for k in sums} for r in rows}


LIVE: dict[str, Callable[[list[int], dt.date, dt.date], dict[int, Data]]] = {
    "activities": _activities,
    "observations": _observations,
    "writings": _writings,
    "hours": _hours,
}


def live(measure: str, school_ids: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Data]:
    """{school_id: data} counted from the records (what the kept tallies must equal;
    schools without records are left out)."""
    return LIVE[measure](list(school_ids), start, end)


def counts(school_ids: Iterable[int], windows: dict[str, tuple[dt.date, dt.date]]) -> dict[str, dict[int, Data]]:
    """{measure: {school_id: data}} for each measure's window, from the kept tallies
    (recomputing the stale ones first). A school without records has `{}`."""
    ids = sorted(set(school_ids))
    out: dict[str, dict[int, Data]] = {m: {} for m in windows}
    if not ids or not windows:
        return out
    want = Q()
    for m, (start, end) in windows.items():
        want |= Q(measure=m, starts_on=start, ends_on=end)
    got = {(t.measure, t.school_id): t for t in SchoolTally.objects.filter(want, school_id__in=ids)}
    missing = [(m, sid) for m in windows for sid in ids if (m, sid) not in got]
    if missing:
        SchoolTally.objects.bulk_create(
            [SchoolTally(school_id=sid, measure=m, starts_on=windows[m][0], ends_on=windows[m][1]) for m, sid in missing],
            ignore_conflicts=True,
        )
        got.update({(t.measure, t.school_id): t for t in SchoolTally.objects.filter(want, school_id__in=[sid for _m, sid in missing])})
    old = timezone.now() - MAX_AGE
    for m, (start, end) in windows.items():
        stale = [t.pk for sid in ids if (t := got[(m, sid)]).computed_gen != t.gen or t.computed_at is None or t.computed_at < old]
        if stale:
            for t in _refresh(m, stale, start, end):
                got[(m, t.school_id)] = t
        out[m] = {sid: got[(m, sid)].data for sid in ids}
    return out


def _refresh(measure: str, pks: list[int], start: dt.date, end: dt.date) -> list[SchoolTally]:
    old = timezone.now() - MAX_AGE
    with transaction.atomic():
        locked = list(SchoolTally.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
        # another request may have refreshed some meanwhile
        todo = [t for t in locked if t.computed_gen != t.gen or t.computed_at is None or t.computed_at < old]
        if todo:
            got = live(measure, [t.school_id for t in todo], start, end)
            now = timezone.now()
            for t in todo:
                t.data = got.get(t.school_id, {})
                t.computed_gen = t.gen  # the rows are locked: `gen` is still what `data` was computed at
                t.computed_at = now
            SchoolTally.objects.bulk_update(todo, ["data", "computed_gen", "computed_at"])
    return locked


# -- keeping them fresh ------------------------------------------------------------


def _watched() -> dict[type[models.Model], str]:
    from xiaoben.activities.models import Activity
    from xiaoben.hours.models import HourEntry
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    return {Activity: "activities", Observation: "observations", Writing: "writings", HourEntry: "hours"}


_MEASURE: dict[type[models.Model], str] = {}


def _bump(model: type[models.Model], pks: list[object] | None = None, school_id: int | None = None) -> None:
    measure = _MEASURE[model]
    if school_id is not None:
        SchoolTally.objects.filter(measure=measure, school_id=school_id).update(gen=F("gen") + 1)
    if pks:
        schools = model._base_manager.filter(pk__in=pks).values("school_id")
        SchoolTally.objects.filter(measure=measure, school_id__in=schools).update(gen=F("gen") + 1)


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: object) -> None:
    if not raw and instance.pk is not None and not instance._state.adding:
        _bump(sender, pks=[instance.pk])  # the school it counted for before the change


def _after_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: object) -> None:
    if not raw:
        _bump(sender, school_id=getattr(instance, "school_id", None))


def _before_delete(sender: type[models.Model], instance: models.Model, **kw: object) -> None:
    _bump(sender, school_id=getattr(instance, "school_id", None))


def _rows_changed(sender: type[models.Model], pks: list[object], **kw: object) -> None:
    _bump(sender, pks=list(pks))


def connect() -> None:
    """Listen to the counted models (called once, from `RegionConfig.ready`)."""
    from xiaoben.core.changes import changed

    for model, measure in _watched().items():
        _MEASURE[model] = measure
        uid = f"region-tally-{measure}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid, weak=False)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid, weak=False)
        changed.connect(_rows_changed, sender=model, dispatch_uid=uid, weak=False)
