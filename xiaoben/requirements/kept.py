"""Kept metric values: each school's per-teacher answer to a metric question, kept in
`KeptSeries`/`KeptValue` and recomputed only for the schools whose records changed.

    values(metric, school_ids=…, start=…, end=…, filters=…, by=None|"week"|"month")

answers exactly what `metric.totals(...)` / `metric.buckets(...)` answer (the same dict),
but a district's comparison of 200 schools then reads ~a row per teacher instead of a term
of every school's records. Why, and what else was considered: docs/decisions.md.

Freshness: each series carries `gen`, bumped in the writer's own transaction by every
write that may change the answer, and `computed_gen`, the `gen` its values were computed
at. A read refreshes the stale schools of the question in ONE grouped query (the metric's
own), under a row lock, so a write during the refresh leaves the series stale, never
wrong. Which writes: `connect()` walks each registered metric's paths (teacher, date,
base rule, filters, summed field) and watches every model on them — a save (before and
after), a delete (before), or `core.changes.rows_changed` (for `QuerySet.update` and
`bulk_create`) bumps the series of the schools of the teachers the touched rows count
for. A teacher saved bumps their school (a teacher who moves is counted by the new
school; values are read only while the teacher is at the series' school).
`refresh(force=True)` (nightly, `manage.py kept_refresh`) recomputes everything — the
safety net for a write that bypasses both (raw SQL) — and prunes past windows.

Queries of `values`: 1 (series) + 1 (values), plus when some are new 2, and when some are
stale 5 (lock, teachers' schools, the metric's aggregate, delete, mark) + the inserts in
batches — whatever the number of schools."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.core.exceptions import FieldDoesNotExist
from django.db import models, router, transaction
from django.db.models import F, Q
from django.db.models.signals import post_save, pre_delete, pre_save
from django.utils import timezone

from .models import KeptSeries, KeptValue
from .registry import Filters, QueryMetric, all_metrics, fetch_many, raw_rows

if TYPE_CHECKING:
    from xiaoben.org.models import Teacher


# models on a metric's paths that do not change what it counts: a term's dates, schools,
# school years and users are read live by the callers (windows, teachers); Teacher is
# handled by its own rule (school changes).
_NOT_WATCHED = {"org.term", "org.school", "org.schoolyear", "org.region", "core.user", "org.teacher"}


def _key(metric_key: str, filters: Filters, start: dt.date, end: dt.date, by: str | None) -> str:
    raw = json.dumps([metric_key, filters or {}, start.isoformat(), end.isoformat(), by or ""], sort_keys=True, ensure_ascii=False)
    return hashlib.sha1(raw.encode()).hexdigest()


def values(
    metric: QueryMetric, *, school_ids: Iterable[int], start: dt.date, end: dt.date, filters: Filters = None, by: str | None = None
) -> dict[Any, Decimal]:
    """`metric.totals(school_ids=…)` (by=None) or `metric.buckets(school_ids=…, by=…)`, kept."""
    ids = sorted(set(school_ids))
    if not ids:
        return {}
    key = _key(metric.key, filters, start, end, by)
    series = {s.school_id: s for s in KeptSeries.objects.filter(key=key, school_id__in=ids).only("id", "school_id", "gen", "computed_gen")}
    missing = [sid for sid in ids if sid not in series]
    if missing:
        KeptSeries.objects.bulk_create(
            [
                KeptSeries(school_id=sid, key=key, metric=metric.key, filters=filters or {}, starts_on=start, ends_on=end, by=by or "")
                for sid in missing
            ],
            ignore_conflicts=True,
        )
        series.update({s.school_id: s for s in KeptSeries.objects.filter(key=key, school_id__in=missing)})
    stale = [s.pk for s in series.values() if s.computed_gen != s.gen]
    if stale:
        _refresh(metric, stale, start=start, end=end, filters=filters, by=by)
    rows = KeptValue.objects.filter(series_id__in=[s.pk for s in series.values()], series__school_id=F("teacher__school_id"))
    if by:
        return {(tid, b): v for tid, b, v in rows.values_list("teacher_id", "bucket", "value")}
    return dict(rows.values_list("teacher_id", "value"))


def _refresh(metric: QueryMetric, series_ids: list[int], *, start: dt.date, end: dt.date, filters: Filters, by: str | None) -> None:
    """Recompute these series (one school each, one question) in one aggregate."""
    _refresh_many([(Question(metric, start, end, filters, by), series_ids)])


@dataclass(frozen=True)
class Question:
    """One metric question over a date range — what a kept series answers for one school."""

    metric: QueryMetric
    start: dt.date
    end: dt.date
    filters: Filters = None
    by: str | None = None  # None, "week" or "month"

    @property
    def key(self) -> str:
        return _key(self.metric.key, self.filters, self.start, self.end, self.by)


def values_many(asks: Sequence[tuple[Question, int]]) -> list[dict[Any, Decimal]]:
    """Each (question, school id)'s kept answer — what `metric.totals(school_id=…)` (or
    `buckets`) would answer — for a school's compliance grid: every question in 2 queries
    (series, values) when fresh; new series add 2, stale ones 5 plus the inserts in batches
    (`_refresh_many`: one lock, ONE statement for every stale question's aggregate)."""
    if not asks:
        return []
    want = [(q.key, sid) for q, sid in asks]
    question = {k: q for (q, _), (k, _) in zip(asks, want, strict=True)}
    found = _series_of(want)
    missing = [ks for ks in dict.fromkeys(want) if ks not in found]
    if missing:
        KeptSeries.objects.bulk_create(
            [
                KeptSeries(
                    school_id=sid,
                    key=k,
                    metric=question[k].metric.key,
                    filters=question[k].filters or {},
                    starts_on=question[k].start,
                    ends_on=question[k].end,
                    by=question[k].by or "",
                )
                for k, sid in missing
            ],
            ignore_conflicts=True,
        )
        found.update(_series_of(missing, using=router.db_for_write(KeptSeries)))
    stale: dict[str, list[int]] = {}
    for ks in dict.fromkeys(want):
        s = found[ks]
        if s.computed_gen != s.gen:
            stale.setdefault(ks[0], []).append(s.pk)
    rows = KeptValue.objects.filter(series_id__in={found[ks].pk for ks in want}, series__school_id=F("teacher__school_id"))
    if stale:
        _refresh_many([(question[k], ids) for k, ids in stale.items()])
        rows = rows.using(router.db_for_write(KeptValue))  # what was just written, not a lagging replica
    by_of = {found[ks].pk: question[ks[0]].by for ks in want}
    got: dict[int, dict[Any, Decimal]] = {pk: {} for pk in by_of}
    for series_id, tid, bucket, v in raw_rows(rows.values_list("series_id", "teacher_id", "bucket", "value")):
        if by_of[series_id]:
            got[series_id][(tid, bucket)] = v
        else:  # 3, not 3.0000: the number a live count gives
            got[series_id][tid] = v.to_integral_value() if v == v.to_integral_value() else v.normalize()
    return [got[found[ks].pk] for ks in want]


def _series_of(pairs: Sequence[tuple[str, int]], using: str | None = None) -> dict[tuple[str, int], KeptSeries]:
    qs = KeptSeries.objects.filter(key__in={k for k, _ in pairs}, school_id__in={sid for _, sid in pairs})
    if using:
        qs = qs.using(using)
    wanted = set(pairs)
    found = ((s.key, s.school_id, s) for s in qs.only("id", "key", "school_id", "gen", "computed_gen"))
    return {(k, sid): s for k, sid, s in found if (k, sid) in wanted}


# What refreshing stale series costs, whatever their number: lock, one aggregate statement,
# teachers, delete, insert, mark, savepoint and release (query budgets in tests allow it once).
REFRESH_QUERIES = 8


def _refresh_many(todo: Sequence[tuple[Question, list[int]]]) -> None:
    """Recompute these series (each: a question and the series ids of the schools asking it)
    under one row lock, the plain metrics' aggregates in ONE statement (`fetch_many`)."""
    from xiaoben.org.models import Teacher

    with transaction.atomic():
        ids = [pk for _, pks in todo for pk in pks]
        locked = {s.pk: s for s in KeptSeries.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
        plan: list[tuple[Question, dict[int, KeptSeries]]] = []
        for q, pks in todo:
            # another request may have done some of them meanwhile
            mine = {s.school_id: s for pk in pks if (s := locked.get(pk)) is not None and s.computed_gen != s.gen}
            if mine:
                plan.append((q, mine))
        if not plan:
            return
        asks = [
            {"metric": q.metric, "school_ids": sorted(mine), "start": q.start, "end": q.end, "filters": q.filters, "by": q.by}
            for q, mine in plan
        ]
        plain = [i for i, (q, _) in enumerate(plan) if type(q.metric) is QueryMetric]
        answers: dict[int, dict[Any, Decimal]] = dict(zip(plain, fetch_many([asks[i] for i in plain]), strict=True))
        for i, (q, mine) in enumerate(plan):
            if i not in answers:  # a metric of its own kind: asked the way it answers
                kw: dict[str, Any] = {"school_ids": sorted(mine), "start": q.start, "end": q.end, "filters": q.filters}
                answers[i] = q.metric.buckets(**kw, by=q.by) if q.by else q.metric.totals(**kw)
        schools = {sid for _, mine in plan for sid in mine}
        school_of: dict[int, int] = dict(Teacher.objects.filter(school_id__in=schools).values_list("id", "school_id"))
        rows = []
        for i, (q, mine) in enumerate(plan):
            for k, v in answers[i].items():
                tid, bucket = k if q.by else (k, None)
                s = mine.get(school_of.get(tid, 0))
                if s is not None:
                    rows.append(KeptValue(series_id=s.pk, teacher_id=tid, bucket=bucket, value=v))
        done = [s.pk for _, mine in plan for s in mine.values()]
        KeptValue.objects.filter(series_id__in=done).delete()
        KeptValue.objects.bulk_create(rows, batch_size=5000)
        # the rows are locked: `gen` is still what the values were computed at
        KeptSeries.objects.filter(pk__in=done).update(computed_gen=F("gen"), computed_at=timezone.now())


def refresh(*, force: bool = False, keep_days: int = 400) -> int:
    """Recompute every stale series (every series with `force`: the nightly safety net),
    one aggregate per question; prune series whose window ended long ago. Returns how
    many series were recomputed."""
    from .registry import get_metric

    today = timezone.localdate()
    KeptSeries.objects.filter(ends_on__lt=today - dt.timedelta(days=keep_days)).delete()
    if force:
        KeptSeries.objects.update(gen=F("gen") + 1)
    n = 0
    for key in KeptSeries.objects.exclude(computed_gen=F("gen")).values_list("key", flat=True).distinct():
        group = list(KeptSeries.objects.filter(key=key).exclude(computed_gen=F("gen")))
        if not group:
            continue
        s = group[0]
        metric = get_metric(s.metric)
        if metric is None:
            KeptSeries.objects.filter(key=key).delete()
            continue
        _refresh(metric, [g.pk for g in group], start=s.starts_on, end=s.ends_on, filters=s.filters, by=s.by or None)
        n += len(group)
    return n


# -- keeping them fresh ------------------------------------------------------------

# watched model -> [(metric model, path from it to the watched model, teacher path, metric key)]
_WATCH: dict[type[models.Model], list[tuple[type[models.Model], str, str, str]]] = defaultdict(list)
_CONNECTED = False


def _label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def _q_paths(q: Q) -> Iterator[str]:
    for child in q.children:  # a Q's children: Qs and (lookup, value) pairs
        if isinstance(child, Q):
            yield from _q_paths(child)
        else:
            lookup, value = cast(tuple[str, Any], child)
            yield lookup
            if isinstance(value, F):
                yield str(value.name)  # type: ignore[attr-defined]  # F keeps its path in .name (untyped in the stubs)


def _paths(metric: QueryMetric) -> Iterator[str]:
    yield metric.teacher
    yield metric.date
    if metric.sum:
        yield metric.sum
    yield from _q_paths(metric.base)
    for spec in metric.filters.values():
        yield spec.lookup


def _hops(model: type[models.Model], path: str) -> Iterator[tuple[type[models.Model], str]]:
    """(related model, path to it) for each relation hop of a lookup path."""
    prefix: list[str] = []
    m = model
    for part in path.split("__"):
        try:
            f = m._meta.get_field(part)
        except FieldDoesNotExist:
            return
        if not f.is_relation or f.related_model is None:
            return
        prefix.append(f.name)
        m = f.related_model
        yield m, "__".join(prefix)


def watched() -> dict[type[models.Model], list[tuple[type[models.Model], str, str, str]]]:
    """{model: [(metric model, path, teacher path, metric key)]} (what `connect` listens to)."""
    if not _WATCH:
        for metric in all_metrics():
            entries = {(metric.model, "pk")}
            for path in _paths(metric):
                entries.update((m, p) for m, p in _hops(metric.model, path) if _label(m) not in _NOT_WATCHED)
            for model, prefix in entries:
                # the watched model's rows: the metric's rows through `prefix` (itself: pk)
                target = metric.model if prefix == "pk" else model
                item = (metric.model, prefix, metric.teacher, metric.key)
                if item not in _WATCH[target]:
                    _WATCH[target].append(item)
    return _WATCH


def _bump_for(model: type[models.Model], value: Any, *, many: bool = False) -> None:
    entries = watched().get(model)
    if not entries:
        return
    q = Q()
    for mmodel, prefix, tpath in {e[:3] for e in entries}:
        lookup = f"{prefix}__in" if many else prefix
        q |= Q(school_id__in=mmodel._base_manager.filter(**{lookup: value}).values(f"{tpath}__school_id"))
    KeptSeries.objects.filter(q, metric__in={e[3] for e in entries}).update(gen=F("gen") + 1)


def _before_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: Any) -> None:
    if not raw and instance.pk is not None and not instance._state.adding:
        _bump_for(sender, instance.pk)  # the schools it counted for before the change


def _after_save(sender: type[models.Model], instance: models.Model, raw: bool = False, **kw: Any) -> None:
    if not raw:
        _bump_for(sender, instance.pk)


def _before_delete(sender: type[models.Model], instance: models.Model, **kw: Any) -> None:
    _bump_for(sender, instance.pk)


def _rows_changed(sender: type[models.Model], pks: Iterable[Any], **kw: Any) -> None:
    _bump_for(sender, list(pks), many=True)


def _teacher_saved(sender: type[models.Model], instance: Teacher, created: bool = False, raw: bool = False, **kw: Any) -> None:
    if not raw and not created:  # a new teacher has no records yet
        KeptSeries.objects.filter(school_id=instance.school_id).update(gen=F("gen") + 1)


def connect() -> None:
    """Listen to every model a registered metric reads (called once, from `apps.ready`)."""
    global _CONNECTED
    if _CONNECTED:
        return
    _CONNECTED = True
    from xiaoben.core.changes import changed
    from xiaoben.org.models import Teacher

    for model in watched():
        uid = f"kept-{_label(model)}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid, weak=False)
        post_save.connect(_after_save, sender=model, dispatch_uid=uid, weak=False)
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid, weak=False)
        changed.connect(_rows_changed, sender=model, dispatch_uid=uid, weak=False)
    post_save.connect(_teacher_saved, sender=Teacher, dispatch_uid="kept-teacher", weak=False)


def live_values(
    metric: QueryMetric, *, school_ids: Iterable[int], start: dt.date, end: dt.date, filters: Filters = None, by: str | None = None
) -> dict[Any, Decimal]:
    """The same answer computed from the records (what the kept values must equal)."""
    kw: dict[str, Any] = {"school_ids": list(school_ids), "start": start, "end": end, "filters": filters}
    return metric.buckets(**kw, by=by) if by else metric.totals(**kw)
