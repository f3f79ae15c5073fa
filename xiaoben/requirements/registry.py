"""The metric registry: what a requirement can count.

Each app lists its metrics in `<app>/metrics.py`:

    from xiaoben.requirements.registry import QueryMetric, Choice, register

    register(QueryMetric(
        key="observations.given", label="听课", unit="节",
        model=Observation, teacher="observer", date="lesson_date",
        base=Q(status="submitted"),
        filters={"kinds": Choice("课型", "kind__in", ObservationKind.choices)},
    ))

and the engine never changes when a new kind of record arrives. A metric answers,
in ONE aggregated query for all the teachers of a school (or of `school_ids=[…]`, the
region's comparison) and a date range:

    metric.totals(school_id=…, start=…, end=…, filters=…)            -> {teacher_id: value}
    metric.buckets(school_id=…, start=…, end=…, filters=…, by="week") -> {(teacher_id, monday): value}

(`by="month"` keys on the first day of the month), and lists the records behind a
cell with `metric.records(teacher_id=…, start=…, end=…, filters=…)` plus
`metric.describe(obj) -> RecordRow` for showing them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router
from django.db.models import Count, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Cast, TruncDate, TruncMonth, TruncWeek
from django.utils import timezone

from xiaoben.core.appmodules import app_modules
from xiaoben.core.records import RecordRow

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Filters = dict[str, Any] | None  # a requirement's filters: {filter name: chosen values}


class _AsDate(models.Func):
    """A truncated day as a date: PostgreSQL's DATE_TRUNC answers a timestamp, which costs a
    timezone-aware parse per row (thousands in a school's grid); `::date` is the same day."""

    template = "%(expressions)s"
    output_field = models.DateField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="(%(expressions)s)::date", **extra)


@dataclass(frozen=True)
class Choice:
    """A filter the admin may set: `lookup` receives the list of chosen values."""

    label: str
    lookup: str
    choices: tuple[tuple[str, StrOrPromise], ...] = ()  # a TextChoices' `.choices` (lazy labels)


@dataclass(frozen=True)
class PlanPhrase:
    """How a plan states a quota on this metric (每学期听课不少于20节 → "听.{0,3}课").

    rank: phrases of every metric are tried in rank order, the first found in a clause wins
          (the most specific first: 听师傅的课 before 听课).
    organised: (metric key, filters) when the clause says 组织/安排 and leaders are meant.
    organising_alone: 组织 alone (without 组长 in the sentence) means the organised metric.
    in_chars: the metric to use when the clause counts 字 (篇 → 字数).
    counts_duration: 课时/小时 are this metric's unit, not a duration to skip."""

    pattern: str
    label: str
    rank: int = 50
    filters: dict[str, Any] = field(default_factory=dict)
    applies_to: str = "all"
    group_kind: str = ""
    organised: tuple[str, dict[str, Any]] | None = None
    organising_alone: bool = False
    in_chars: str = ""
    counts_duration: bool = False


@dataclass(frozen=True)
class Starter:
    """A 常用要求 on this metric, adopted by a school in one click (`starter_set_adopt`)."""

    key: str
    name: str
    period: str
    threshold: int
    rank: int = 50  # position in the starter set
    filters: dict[str, Any] = field(default_factory=dict)
    applies_to: str = "all"
    group_kind: str = ""


@dataclass
class QueryMetric:
    """A metric answered by one GROUP BY over one model.

    teacher: the path from `model` to the Teacher the record counts for ("observer").
    date:    the path to the day it counts on; `is_datetime` when it is a DateTimeField
             (cut to the local date in SQL).
    sum:     a numeric field path to add up; None counts distinct rows.
    base:    the rule for a record to count (submitted, not deleted, attended…).
    """

    key: str
    label: str
    unit: str
    model: type[models.Model]
    teacher: str
    date: str
    is_datetime: bool = False
    sum: str | None = None
    base: Q = field(default_factory=Q)
    filters: dict[str, Choice] = field(default_factory=dict)
    help: str = ""
    describe_row: object = None  # callable(obj) -> RecordRow
    records_select: tuple[str, ...] = ()
    default_filters: dict[str, Any] = field(default_factory=dict)
    filter_names_the_thing: bool = False  # "读书笔记" says more than "字数（读书笔记）"
    plan_phrases: tuple[PlanPhrase, ...] = ()  # how plans state quotas on it (requirements.plan_import)
    starters: tuple[Starter, ...] = ()  # the 常用要求 on it (requirements.starter)

    # -- building blocks -------------------------------------------------
    def _manager(self) -> models.Manager[Any]:
        return self.model._default_manager  # SoftDeleteModel's default manager hides deleted rows

    def _filter_q(self, filters: Filters) -> Q:
        q = Q()
        for name, values in (filters or {}).items():
            spec = self.filters.get(name)
            if spec is None or values in (None, "", []):
                continue
            vals = values if isinstance(values, list | tuple) else [values]
            q &= Q(**{spec.lookup: list(vals)})
        return q

    def _day_expr(self) -> models.Expression | models.F:
        return TruncDate(self.date) if self.is_datetime else models.F(self.date)

    def _queryset(
        self,
        *,
        start: dt.date,
        end: dt.date,
        filters: Filters,
        school_id: int | None = None,
        teacher_id: int | None = None,
        school_ids: Iterable[int] | None = None,
    ) -> QuerySet[Any]:
        qs = self._manager().annotate(_day=self._day_expr())
        if teacher_id is not None:
            who: dict[str, Any] = {f"{self.teacher}_id": teacher_id}
        elif school_ids is not None:  # many schools at once (the region's comparison)
            who = {f"{self.teacher}__school_id__in": list(school_ids)}
        else:
            who = {f"{self.teacher}__school_id": school_id}
        if self.is_datetime:
            # The local day of a timestamp is not indexable; a range a day wider on each side
            # (any timezone) is, and leaves the exact day test above it the same answer.
            lo, hi = _wider(start, end)
            who |= {f"{self.date}__gte": lo, f"{self.date}__lt": hi}
        # One filter() call so that multi-valued paths (group__memberships__…) share one join.
        return qs.filter(self.base & self._filter_q(filters), _day__gte=start, _day__lte=end, **who)

    def _value(self) -> Sum | Count:
        if self.sum:
            return Sum(self.sum)
        return Count("pk", distinct=True)

    # -- the API the engine uses ----------------------------------------
    def rows(
        self,
        *,
        school_id: int | None = None,
        start: dt.date,
        end: dt.date,
        filters: Filters = None,
        by: str | None = None,
        teacher_id: int | None = None,
        school_ids: Iterable[int] | None = None,
        tag: int | None = None,
    ) -> QuerySet[Any, tuple[Any, ...]]:
        """The aggregate as an unevaluated query of (teacher_id, bucket, value) rows (bucket None
        without `by`), so that `fetch_many` can send several metrics in one statement."""
        qs = self._queryset(start=start, end=end, filters=filters, school_id=school_id, teacher_id=teacher_id, school_ids=school_ids)
        if by:
            qs = qs.annotate(_bucket=_AsDate(TruncWeek("_day") if by == "week" else TruncMonth("_day")))
            group: tuple[str, ...] = (f"{self.teacher}_id", "_bucket")
        else:
            group = (f"{self.teacher}_id",)
        grouped: QuerySet[Any, dict[str, Any]] = qs.order_by().values(*group).annotate(v=self._value())
        if not by:  # typed: PostgreSQL reads two untyped NULLs in a UNION as text, then refuses a date
            grouped = grouped.annotate(_bucket=Cast(Value(None), output_field=models.DateField()))
        out: QuerySet[Any, tuple[Any, ...]]
        if tag is not None:
            grouped = grouped.annotate(_ask=Value(tag, output_field=IntegerField()))
            out = grouped.values_list("_ask", f"{self.teacher}_id", "_bucket", "v")
        else:
            out = grouped.values_list(f"{self.teacher}_id", "_bucket", "v")
        return out

    @staticmethod
    def read(rows: Iterable[Sequence[Any]], by: str | None) -> dict[Any, Decimal]:
        """{teacher_id: value} (or {(teacher_id, bucket): value} with `by`) from `rows()`'s rows."""
        if not by:
            return {tid: Decimal(v or 0) for tid, _, v in rows if tid is not None}
        out: defaultdict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
        for tid, bucket, v in rows:
            if tid is None or bucket is None:
                continue
            if isinstance(bucket, dt.datetime):
                bucket = bucket.date()
            elif isinstance(bucket, str):  # SQLite hands a UNION's dates back as text
                bucket = dt.date.fromisoformat(bucket[:10])
            out[(tid, bucket)] += Decimal(v or 0)
        return dict(out)

    def totals(
        self,
        *,
        school_id: int | None = None,
        start: dt.date,
        end: dt.date,
        filters: Filters = None,
        teacher_id: int | None = None,
        school_ids: Iterable[int] | None = None,
    ) -> dict[int, Decimal]:
        rows = self.rows(school_id=school_id, start=start, end=end, filters=filters, teacher_id=teacher_id, school_ids=school_ids)
        return self.read(rows, None)

    def buckets(
        self,
        *,
        school_id: int | None = None,
        start: dt.date,
        end: dt.date,
        filters: Filters = None,
        by: str = "week",
        teacher_id: int | None = None,
        school_ids: Iterable[int] | None = None,
    ) -> dict[Any, Decimal]:
        rows = self.rows(school_id=school_id, start=start, end=end, filters=filters, by=by, teacher_id=teacher_id, school_ids=school_ids)
        return self.read(rows, by)

    def records(self, *, teacher_id: int, start: dt.date, end: dt.date, filters: Filters = None) -> QuerySet[Any]:
        qs = self._queryset(start=start, end=end, filters=filters, teacher_id=teacher_id)
        if self.records_select:
            qs = qs.select_related(*self.records_select)
        return qs.order_by("-_day", "-pk").distinct()

    def describe(self, obj: Any) -> RecordRow:
        if callable(self.describe_row):
            row: RecordRow = self.describe_row(obj)
            return row
        return RecordRow(date=getattr(obj, "_day", None), title=str(obj))

    def label_for(self, filters: Filters) -> str:
        """How a requirement on this metric names what it counts: 听课, 教学反思, 读书笔记,
        集体备课主持/中心发言 …"""
        fl = self.filter_label(filters)
        if not fl:
            return self.label
        if self.filter_names_the_thing:
            return fl.replace("、", "或")
        return f"{fl.replace('、', '或')}{self.label}"

    def filter_label(self, filters: Filters) -> str:
        parts = []
        for name, values in (filters or {}).items():
            spec = self.filters.get(name)
            if not spec or not values:
                continue
            labels = dict(spec.choices)
            vals = values if isinstance(values, list | tuple) else [values]
            parts.append("、".join(str(labels.get(v, v)) for v in vals))
        return "；".join(parts)


def fetch_many(asks: list[dict[str, Any]]) -> list[dict[Any, Decimal]]:
    """Several aggregates in ONE statement (UNION ALL of each metric's own query, unchanged,
    tagged with its position): a grid or a teacher's card asks for a handful of metrics at once
    and each round trip costs more than the aggregate. `asks`: dicts of `metric` and the
    keyword arguments of `QueryMetric.rows` (`by` included); returns what `totals`/`buckets`
    would, in order."""
    if len(asks) <= 1:
        return [a["metric"].read(a["metric"].rows(**_args(a)), a.get("by")) for a in asks]
    rows: list[list[tuple[Any, Any, Any]]] = [[] for _ in asks]
    alias = router.db_for_read(asks[0]["metric"].model)
    conn = connections[alias]
    shape = _shape_of(asks) if conn.vendor == "postgresql" else None
    if shape is None:
        got = raw_rows(_union(asks))
    else:  # the statement built by the ORM once per shape (a third of a teacher's home page's CPU)
        sql, params = union_sql(asks, shape)
        with conn.cursor() as cur:
            cur.execute(sql, params)
            got = cur.fetchall()
    for ask, tid, bucket, v in got:
        rows[ask].append((tid, bucket, v))
    return [a["metric"].read(r, a.get("by")) for a, r in zip(asks, rows, strict=True)]


def _union(asks: list[dict[str, Any]]) -> QuerySet[Any, tuple[Any, ...]]:
    parts: list[QuerySet[Any, tuple[Any, ...]]] = [a["metric"].rows(**_args(a), tag=i) for i, a in enumerate(asks)]
    return parts[0].union(*parts[1:], all=True)


def _wider(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A day range as timestamps a day wider on each side (indexable whatever the timezone)."""
    lo = dt.datetime.combine(start - dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=2), dt.time.min, tzinfo=dt.UTC)
    return lo, hi


Slot = tuple[int, str] | tuple[None, Any]  # (ask index, what) of a value that varies, or (None, constant)
_COMPILED: dict[tuple[Any, ...], tuple[str, list[Slot]]] = {}


def _shape_of(asks: list[dict[str, Any]]) -> tuple[Any, ...] | None:
    """What the statement's text depends on: each ask's metric, filters, bucketing and whether it
    is one teacher's or one school's (many schools' lists vary in length: not cached)."""
    out: list[Any] = [timezone.get_current_timezone_name()]
    for a in asks:
        if a.get("school_ids") is not None or type(a["metric"]) is not QueryMetric:
            return None
        who = "teacher_id" if a.get("teacher_id") is not None else "school_id"
        out.append((a["metric"].key, json.dumps(a.get("filters") or {}, sort_keys=True, default=str), a.get("by"), who))
    return tuple(out)


def union_sql(asks: list[dict[str, Any]], shape: tuple[Any, ...]) -> tuple[str, list[Any]]:
    """`_union(asks)`'s SQL and parameters; the ORM builds it once per `shape`, with stand-in
    values (ids, days) whose places in the parameters are then filled from each call's asks."""
    hit = _COMPILED.get(shape)
    if hit is None:
        stand_in: dict[Any, tuple[int, str]] = {}
        fake = []
        for i, a in enumerate(asks):
            who = shape[i + 1][3]
            ident, start = 1_987_654_000 + i, dt.date(1001, 1, 1) + dt.timedelta(days=40 * i)
            end = start + dt.timedelta(days=20)
            lo, hi = _wider(start, end)
            stand_in.update({ident: (i, who), start: (i, "start"), end: (i, "end"), lo: (i, "lo"), hi: (i, "hi")})
            fake.append({**a, who: ident, "start": start, "end": end})
        sql, params = _union(fake).query.sql_with_params()
        slots: list[Slot] = []
        for p in params:
            slot = stand_in.get(p) if type(p) in (int, dt.date, dt.datetime) else None
            slots.append(slot if slot is not None and type(p) is _KIND[slot[1]] else (None, p))
        if len(_COMPILED) >= 1000:  # distinct shapes: a few per school's set of requirements
            _COMPILED.clear()
        hit = _COMPILED[shape] = (sql, slots)
    sql, slots = hit
    return sql, [v if i is None else _fill(asks[i], v) for i, v in slots]


_KIND: dict[str, type] = {"teacher_id": int, "school_id": int, "start": dt.date, "end": dt.date, "lo": dt.datetime, "hi": dt.datetime}


def _fill(ask: dict[str, Any], what: str) -> Any:
    if what in ("lo", "hi"):
        return _wider(ask["start"], ask["end"])[0 if what == "lo" else 1]
    return ask[what]


def raw_rows(qs: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows as the driver gives them on PostgreSQL (ints, Decimals, dates: nothing for
    Django's per-row converters to do on thousands of rows); elsewhere through the ORM, whose
    converters turn SQLite's text and floats into dates and Decimals."""
    conn = connections[qs.db]
    if conn.vendor != "postgresql":
        return list(qs)
    sql, params = qs.query.sql_with_params()
    with conn.cursor() as cur:
        cur.execute(sql, params)
        rows: list[tuple[Any, ...]] = cur.fetchall()
    return rows


def _args(ask: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ask.items() if k != "metric"}


_METRICS: dict[str, QueryMetric] = {}
_LOADED = False


def register(metric: QueryMetric) -> QueryMetric:
    _METRICS[metric.key] = metric
    return metric


def _autodiscover() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    app_modules("metrics")


def get_metric(key: str) -> QueryMetric | None:
    _autodiscover()
    return _METRICS.get(key)


def all_metrics() -> list[QueryMetric]:
    _autodiscover()
    return sorted(_METRICS.values(), key=lambda m: m.key)


def metric_choices() -> list[tuple[str, str]]:
    return [(m.key, f"{m.label}（{m.unit}）") for m in all_metrics()]


def plan_phrases() -> list[tuple[QueryMetric, PlanPhrase]]:
    """Every metric's plan phrases, most specific first (by rank, then metric key)."""
    rows = [(m, p) for m in all_metrics() for p in m.plan_phrases]
    return sorted(rows, key=lambda mp: (mp[1].rank, mp[0].key))


def starters() -> list[tuple[QueryMetric, Starter]]:
    rows = [(m, s) for m in all_metrics() for s in m.starters]
    return sorted(rows, key=lambda ms: (ms[1].rank, ms[0].key))
