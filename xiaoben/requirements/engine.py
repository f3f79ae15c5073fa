"""The progress engine: every teacher × every applicable requirement → done, required, status.

The public API (used by dashboards, the API, the 学时 and 考核 apps):

    progress_for_school(school, term=None, on=None) -> ProgressGrid
    progress_for_teacher(teacher, term=None, on=None) -> list[Progress]

`Progress` carries `requirement`, `teacher_id`, `done`, `required`, `target`,
`expected`, `status` ("met"/"on_track"/"behind", label 达标/进行中/落后),
`buckets` (week/month requirements) and `records()` — the queryset of the records
behind the number (callers must still pass it through `visible_to` before showing it).

Queries: a fixed handful (teachers, requirements, and only when used: memberships,
mentorships, roles, the school year's terms) plus ONE aggregate per distinct
(metric, filters, period) — never one per teacher or per record.

Judged from: a teacher is judged from the later of the period start, their 入校时间
(`Teacher.joined_on`: the roster column, or the import day when missing) and their
参加教学工作时间 (`Teacher.teaching_since`) — see `Teacher.judged_from`. A teacher who
joins mid-term owes a pro-rata share of a term/year quota (rounded up) and only the
weeks/months from their first week; reminders and 考核 read the same numbers.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import get_script_prefix, get_urlconf, reverse

from xiaoben.core.formatting import amount
from xiaoben.org.models import School, Teacher, Term

from . import kept, periods
from .audiences import AudienceContext, get_audience
from .models import Period, Requirement, Status
from .registry import Filters, QueryMetric, fetch_many, get_metric

Values = dict[Any, Decimal]  # {teacher id: value}, or {(teacher id, bucket day): value}
AskKey = tuple[str, str, dt.date, dt.date, str | None]
# a week/month cell's buckets, built when read: elapsed buckets, the teacher's values, threshold, today
BucketSrc = tuple[list[periods.Bucket], dict[dt.date, Decimal] | None, Decimal, dt.date]

STATUS_LABELS: dict[str, str] = {Status.MET: "达标", Status.ON_TRACK: "进行中", Status.BEHIND: "落后"}
STATUS_COLORS: dict[str, str] = {Status.MET: "green", Status.ON_TRACK: "azure", Status.BEHIND: "red"}
PERIOD_WORDS: dict[str, str] = {
    Period.WEEK: "本学期",
    Period.TWO_WEEK: "本学期",
    Period.MONTH: "本学期",
    Period.TERM: "本学期",
    Period.SCHOOL_YEAR: "本学年",
    Period.FIVE_YEAR: "本周期",
    Period.YEAR: "本年度",
}


@dataclass
class BucketProgress:
    label: str
    start: dt.date
    end: dt.date
    value: Decimal
    met: bool
    open: bool  # still under way: not held against anyone


@dataclass
class Progress:
    requirement: Requirement
    teacher_id: int
    done: Decimal  # records (or met weeks/months)
    required: Decimal  # shown as the denominator: the period quota, or weeks/months elapsed
    target: Decimal  # the full-period quota (for a joiner, their share)
    expected: Decimal  # what on-pace means by now
    status: str
    start: dt.date  # records counted from …
    end: dt.date  # … to
    _buckets: list[BucketProgress] | None = field(default=None, repr=False, compare=False)
    judged_from: dt.date | None = None  # the teacher's start, when later than the period's
    # what `buckets` is built from, when first read (a grid of 600 teachers never reads it)
    _bucket_src: BucketSrc | None = field(default=None, repr=False, compare=False)

    @property
    def buckets(self) -> list[BucketProgress] | None:
        """Week/month requirements: each elapsed week or month with its value (else None)."""
        if self._buckets is None and self._bucket_src is not None:
            elapsed, mine, threshold, on = self._bucket_src
            self._buckets = [
                BucketProgress(b.label, b.start, b.end, v, v >= threshold, open=b.end >= on)
                for b, v in zip(elapsed, _bucket_values(elapsed, mine), strict=True)
            ]
        return self._buckets

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def color(self) -> str:
        return STATUS_COLORS[self.status]

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.required - self.done)

    @property
    def percent(self) -> int:
        if self.target <= 0:
            return 100
        return int(min(Decimal(100), self.done * 100 / self.target))

    @property
    def unit(self) -> str:
        return self.requirement.unit

    @property
    def done_display(self) -> str:
        return amount(self.done)

    @property
    def required_display(self) -> str:
        return amount(self.required)

    @property
    def sort_key(self) -> float:
        """For sorting a grid column: share of the quota reached."""
        return float(self.done / self.required) if self.required else 1.0

    def records(self) -> QuerySet[Any]:
        """The records behind this number (unfiltered by visibility: apply `visible_to`)."""
        r = self.requirement
        metric = r.metric_obj
        if metric is None:
            raise LookupError(f"unknown metric {r.metric!r}")
        return metric.records(teacher_id=self.teacher_id, start=self.start, end=self.end, filters=r.filters)

    @property
    def url(self) -> str:
        return _cell_url(self.requirement.pk, self.teacher_id)

    def still_to_do(self) -> str:
        """What can still be done — 本周还需教学反思1篇, 本学期还需听课8节 — or "" when
        nothing can (a past week that was missed is lost; a reminder does not nag about it)."""
        r = self.requirement
        m = r.metric_obj
        label = m.label_for(r.filters) if m else r.name
        unit = m.unit if m else ""
        if r.is_bucketed:
            current = next((b for b in (self.buckets or []) if b.open and b.start <= self.end), None)
            if current is None or current.met:
                return ""
            need = Decimal(r.threshold) - current.value
            word = "本周" if r.period == Period.WEEK else "本月"
            return f"{word}还需{label}{amount(need)}{unit}"
        gap = self.target - self.done
        if gap <= 0 or self.end < self.start:
            return ""
        return f"{PERIOD_WORDS[r.period]}还需{label}{amount(gap)}{unit}"

    def message(self) -> str:
        """本学期听课已完成12节，要求20节，还差8节 — the state of things, for reports."""
        r = self.requirement
        m = r.metric_obj
        label = m.label_for(r.filters) if m else r.name
        if r.is_bucketed:
            per = {str(Period.WEEK): "每周", str(Period.TWO_WEEK): "每两周"}.get(r.period, "每月")
            gap = amount(max(Decimal(0), self.required - self.done))
            return (
                f"{r.name}：本学期已过{amount(self.required)}{r.unit}，达标{amount(self.done)}{r.unit}，"
                f"还差{gap}{r.unit}（要求{per}{label}不少于{amount(r.threshold)}{m.unit if m else ''}）"
            )
        word = PERIOD_WORDS[r.period]
        unit = m.unit if m else ""
        gap = amount(max(Decimal(0), self.target - self.done))
        return f"{word}{label}已完成{amount(self.done)}{unit}，要求{amount(self.target)}{unit}，还差{gap}{unit}"


@functools.lru_cache(maxsize=16)
def _cell_pattern(urlconf: str | None, prefix: str) -> str:
    return reverse("requirements:cell", args=[987654321, 123456789], urlconf=urlconf)


def _cell_url(requirement_id: int, teacher_id: int) -> str:
    """reverse() once per URLconf and prefix, not once per grid cell."""
    pattern = _cell_pattern(get_urlconf(), get_script_prefix())
    return pattern.replace("987654321", str(requirement_id)).replace("123456789", str(teacher_id))


@dataclass
class ProgressGrid:
    school: School
    term: Term
    on: dt.date
    teachers: list[Teacher]
    requirements: list[Requirement]
    cells: dict[tuple[int, int], Progress] = field(default_factory=dict)  # (teacher_id, requirement_id)

    def cell(self, teacher_id: int, requirement_id: int) -> Progress | None:
        return self.cells.get((teacher_id, requirement_id))

    def for_teacher(self, teacher_id: int) -> list[Progress]:
        return [p for r in self.requirements if (p := self.cells.get((teacher_id, r.pk)))]

    def for_requirement(self, requirement_id: int) -> list[Progress]:
        return [p for t in self.teachers if (p := self.cells.get((t.pk, requirement_id)))]

    def behind(self) -> dict[int, list[Progress]]:
        out: dict[int, list[Progress]] = {}
        for p in self.cells.values():
            if p.status == Status.BEHIND:
                out.setdefault(p.teacher_id, []).append(p)
        return out

    def summary(self) -> dict[int, dict[str, int]]:
        """{requirement_id: {"met": n, "on_track": n, "behind": n, "total": n}}."""
        out = {r.pk: {"met": 0, "on_track": 0, "behind": 0, "total": 0} for r in self.requirements}
        for (_, rid), p in self.cells.items():
            out[rid][p.status] += 1
            out[rid]["total"] += 1
        return out


# ---------------------------------------------------------------------------


def requirements_for(school: School, term: Term) -> QuerySet[Requirement]:
    """The school's active requirements that hold in `term`'s school year."""
    return (
        Requirement.objects.filter(school=school, active=True)
        .filter(Q(school_year__isnull=True) | Q(school_year_id=term.school_year_id))
        .select_related("group")
        .order_by("order", "id")
    )


def judged_from(teacher: Teacher, start: dt.date) -> dt.date:
    return teacher.judged_from(start)


class _Windows:
    def __init__(self, school: School, term: Term, on: dt.date) -> None:
        self.school, self.term, self.on = school, term, on
        self._cache: dict[str, periods.Window] = {}

    def get(self, period: str) -> periods.Window:
        if period not in self._cache:
            t, on = self.term, self.on
            if period == Period.WEEK:
                w = periods.week_window(t, on)
            elif period == Period.TWO_WEEK:
                w = periods.two_week_window(t, on)
            elif period == Period.MONTH:
                w = periods.month_window(t, on)
            elif period == Period.SCHOOL_YEAR:
                # this term is the one already loaded (its school calendar read once)
                terms = [t if y.pk == t.pk else y for y in Term.objects.filter(school_year_id=t.school_year_id)]
                w = periods.year_window(terms, on)
            elif period == Period.FIVE_YEAR:
                w = periods.cycle_window(self.school.setting("hours_cycle_start_year"), on)
            elif period == Period.YEAR:
                w = periods.calendar_year_window(on)
            else:
                w = periods.term_window(t, on)
            self._cache[period] = w
        return self._cache[period]


class _Values:
    """One aggregate per distinct (metric, filters, window, bucketing), all sent in one
    statement (`registry.fetch_many`) before any cell is evaluated."""

    def __init__(self, school_id: int, teacher_id: int | None = None) -> None:
        self.school_id, self.teacher_id = school_id, teacher_id
        self._cache: dict[AskKey, Values] = {}
        self._asks: dict[AskKey, dict[str, Any]] = {}

    @staticmethod
    def _key(metric: QueryMetric, filters: Filters, window: periods.Window, by: str | None) -> AskKey:
        return (metric.key, json.dumps(filters or {}, sort_keys=True), window.start, window.end, by)

    def want(self, metric: QueryMetric, filters: Filters, window: periods.Window, by: str | None) -> None:
        key = self._key(metric, filters, window, by)
        if key not in self._cache and key not in self._asks:
            kw: dict[str, Any] = {"school_id": self.school_id, "start": window.start, "end": window.end, "filters": filters, "by": by}
            if self.teacher_id is not None:
                kw["teacher_id"] = self.teacher_id
            self._asks[key] = {"metric": metric, **kw}

    def load(self) -> None:
        keys = list(self._asks)
        plain = [k for k in keys if type(self._asks[k]["metric"]) is QueryMetric]
        if self.teacher_id is None:  # a whole school: its kept per-teacher values (kept.py), exact
            asks = [
                (kept.Question(a["metric"], a["start"], a["end"], a["filters"], a["by"]), self.school_id)
                for a in (self._asks[k] for k in plain)
            ]
            answers = kept.values_many(asks)
        else:  # one teacher: a handful of indexed rows, cheaper live than through the series
            answers = fetch_many([self._asks[k] for k in plain])
        for k, value in zip(plain, answers, strict=True):
            self._cache[k] = value
        for k in keys:
            if k not in self._cache:  # a metric of its own kind: asked the way it answers
                a = dict(self._asks[k])
                metric, by = a.pop("metric"), a.pop("by")
                self._cache[k] = metric.buckets(**a, by=by) if by else metric.totals(**a)
        self._asks = {}

    def get(self, metric: QueryMetric, filters: Filters, window: periods.Window, by: str | None) -> Values:
        key = self._key(metric, filters, window, by)
        if key not in self._cache:
            self.want(metric, filters, window, by)
            self.load()
        return self._cache[key]


def _bucket_values(elapsed: list[periods.Bucket], mine: dict[dt.date, Decimal] | None) -> list[Decimal]:
    """Each bucket's value for one teacher (`mine`: {bucket key: value})."""
    zero = Decimal(0)
    if not mine:
        return [zero] * len(elapsed)
    return [sum((mine.get(k, zero) for k in (b.keys or (b.key,))), zero) for b in elapsed]


def _by_teacher(vals: Values) -> dict[int, dict[dt.date, Decimal]]:
    """{(teacher_id, bucket): value} → {teacher_id: {bucket: value}}."""
    out: dict[int, dict[dt.date, Decimal]] = {}
    for (tid, bucket), v in vals.items():
        out.setdefault(tid, {})[bucket] = v
    return out


def _shape(r: Requirement, window: periods.Window, start: dt.date) -> tuple[Any, Any]:
    """What a cell owes, which depends only on the requirement, the window and the teacher's
    start — the same for nearly every teacher, so computed once per distinct start."""
    if r.is_bucketed:
        mine = [b for b in window.buckets if b.end >= start]
        return mine, [b for b in mine if b.start <= window.on]
    target = periods.scaled_target(Decimal(r.threshold), window.share_of_period(start))
    return target, periods.pace(target, window.share_elapsed(start))


def status_of(done: Decimal, target: Decimal, owed: Decimal, *, bucketed: bool = False) -> str:
    """The rule of a cell, the one place it is written (the grid and the region's counts,
    `region.progress`, both ask it): met once `done` reaches the target (a week/month
    requirement: every bucket of the teacher's window, when the window has one), on track while
    it reaches what is owed by now, behind otherwise."""
    if done >= target and (target or not bucketed):
        return Status.MET
    return Status.ON_TRACK if done >= owed else Status.BEHIND


def _column(
    r: Requirement,
    who: set[int],
    by_id: dict[int, Teacher],
    window: periods.Window,
    values: Values,
    starts: dict[int, dt.date],
    cells: dict[tuple[int, int], Progress],
) -> None:
    """Every cell of one requirement into `cells` — the hot loop of a school's grid (thousands
    of cells): what a cell owes is worked out once per distinct start (`_shape`), a teacher's
    start once per window (`starts`), and a week/month requirement's buckets are only built
    when someone reads them (`Progress.buckets`)."""
    rid, wstart, wend, on = r.pk, window.start, window.end, window.on
    zero = Decimal(0)
    shapes: dict[dt.date, tuple[Any, ...]] = {}
    bucketed = r.is_bucketed
    if bucketed:
        threshold = Decimal(r.threshold)
        per_teacher = _by_teacher(values)
        end = min(wend, on)
    for tid in who:
        start = starts.get(tid)
        if start is None:
            start = starts[tid] = judged_from(by_id[tid], wstart)
        shape = shapes.get(start)
        if shape is None:
            shape = _shape(r, window, start)
            if bucketed:
                mine, elapsed = shape
                owed = Decimal(sum(1 for b in elapsed if b.end < on))  # finished buckets must all be met
                shape = (elapsed, Decimal(len(mine)), owed, Decimal(len(elapsed)))
            shapes[start] = shape
        if bucketed:
            elapsed, target, owed, required = shape
            own = per_teacher.get(tid)
            if own:
                done = Decimal(sum(1 for v in _bucket_values(elapsed, own) if v >= threshold))
            else:  # no records at all: every bucket is 0
                done = required if zero >= threshold else zero
            status = status_of(done, target, owed, bucketed=True)
            src = (elapsed, own, threshold, on)
            cells[(tid, rid)] = Progress(r, tid, done, required, target, owed, status, wstart, end, None, start, src)
        else:
            done = values.get(tid, zero)
            target, expected = shape
            status = status_of(done, target, expected)
            cells[(tid, rid)] = Progress(r, tid, done, target, target, expected, status, wstart, wend, None, start)


def _compute(
    school: School, term: Term, on: dt.date, teachers: list[Teacher], requirements: list[Requirement], teacher_id: int | None = None
) -> dict[tuple[int, int], Progress]:
    audiences = AudienceContext(school, term, teachers, on)
    windows = _Windows(school, term, on)
    values = _Values(school.pk, teacher_id)
    by_id = {t.pk: t for t in teachers}
    starts: dict[dt.date, dict[int, dt.date]] = {}  # (window start, teacher id) → the day the teacher is judged from
    cells: dict[tuple[int, int], Progress] = {}
    todo: list[tuple[Requirement, QueryMetric, set[int], periods.Window, str | None]] = []
    for r in requirements:
        metric = get_metric(r.metric)
        if metric is None:
            continue  # a metric whose app is gone: the requirement shows nothing rather than breaking
        kind = get_audience(r.applies_to)
        who = kind.resolve(audiences, r) & audiences.all_ids if kind else set()
        if not who:
            continue
        window = windows.get(r.period)
        by = "week" if r.period in (Period.WEEK, Period.TWO_WEEK) else "month" if r.period == Period.MONTH else None
        values.want(metric, r.filters, window, by)
        todo.append((r, metric, who, window, by))
    values.load()  # every aggregate in one round trip
    for r, metric, who, window, by in todo:
        _column(r, who, by_id, window, values.get(metric, r.filters, window, by), starts.setdefault(window.start, {}), cells)
        apply_overrides(r, term, window, cells)
    return cells


def apply_overrides(r: Requirement, term: Term, window: periods.Window, cells: dict[tuple[int, int], Progress]) -> None:
    """A teacher's own threshold (`Requirement.overrides`, e.g. one 师徒 pair's quota) replaces
    the requirement's in their cell: target, pace and status again, the count unchanged. Week/
    month requirements have none."""
    if not r.overrides or r.is_bucketed:
        return
    for key, value in r.overrides.items():
        year_id, _, tid = key.partition(":")
        p = cells.get((int(tid), r.pk)) if tid.isdigit() and year_id == str(term.school_year_id) else None
        if p is None:
            continue
        start = p.judged_from or window.start
        p.target = periods.scaled_target(Decimal(str(value)), window.share_of_period(start)) if Decimal(str(value)) > 0 else Decimal(0)
        p.required = p.target
        p.expected = periods.pace(p.target, window.share_elapsed(start))
        p.status = status_of(p.done, p.target, p.expected)


def _today() -> dt.date:
    from xiaoben.org.selectors import today

    return today()


def progress_for_school(school: School, term: Term | None = None, on: dt.date | None = None) -> ProgressGrid | None:
    """Every active teacher of the school × every applicable requirement, as of `on` (today)."""
    from xiaoben.org.selectors import current_term

    on = on or _today()
    term = term or current_term(school.pk, on)
    if term is None:
        return None
    teachers = list(Teacher.objects.filter(school=school, is_active=True).order_by("staff_no"))
    reqs = list(requirements_for(school, term))
    return ProgressGrid(school, term, on, teachers, reqs, _compute(school, term, on, teachers, reqs))


def progress_for_teacher(
    teacher: Teacher, term: Term | None = None, on: dt.date | None = None, *, metric: str | None = None
) -> list[Progress]:
    """One teacher's progress against each requirement that applies to them (only those on
    `metric` when given: a card about one thing asks the engine for that thing)."""
    from xiaoben.org.selectors import current_term

    on = on or _today()
    term = term or current_term(teacher.school_id, on)
    if term is None:
        return []
    school = teacher.school
    qs = requirements_for(school, term)
    if metric is not None:
        qs = qs.filter(metric=metric)
    reqs = list(qs)
    cells = _compute(school, term, on, [teacher], reqs, teacher_id=teacher.pk)
    return [cells[(teacher.pk, r.pk)] for r in reqs if (teacher.pk, r.pk) in cells]


def progress_cells(
    school: School, term: Term, requirements: list[Requirement], teachers: list[Teacher], on: dt.date | None = None
) -> dict[tuple[int, int], Progress]:
    """Some teachers against some of the school's requirements, {(teacher_id, requirement_id):
    Progress} — for a page about one thing (the 师徒 pairs' quotas) that should not compute the
    whole grid. The same numbers as `progress_for_school`."""
    return _compute(school, term, on or _today(), teachers, requirements)
