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

from django.db.models import Q
from django.urls import get_script_prefix, get_urlconf, reverse

from xiaoben.core.formatting import amount
from xiaoben.org.models import School, Teacher, Term

from . import periods
from .audiences import AudienceContext, get_audience
from .models import Period, Requirement, Status
from .registry import QueryMetric, get_metric

STATUS_LABELS = {Status.MET: "达标", Status.ON_TRACK: "进行中", Status.BEHIND: "落后"}
STATUS_COLORS = {Status.MET: "green", Status.ON_TRACK: "azure", Status.BEHIND: "red"}
PERIOD_WORDS = {
    Period.WEEK: "本学期",
    Period.TWO_WEEK: "本学期",
    Period.MONTH: "本学期",
    Period.TERM: "本学期",
    Period.SCHOOL_YEAR: "本学年",
    Period.FIVE_YEAR: "本周期",
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
    buckets: list[BucketProgress] | None = None
    judged_from: dt.date | None = None  # the teacher's start, when later than the period's

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

    def records(self):
        """The records behind this number (unfiltered by visibility: apply `visible_to`)."""
        r = self.requirement
        return r.metric_obj.records(teacher_id=self.teacher_id, start=self.start, end=self.end, filters=r.filters)

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
            per = {Period.WEEK: "每周", Period.TWO_WEEK: "每两周"}.get(r.period, "每月")
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
def _cell_pattern(urlconf, prefix: str) -> str:
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


def requirements_for(school: School, term: Term):
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
    def __init__(self, school: School, term: Term, on: dt.date):
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
                w = periods.year_window(list(Term.objects.filter(school_year_id=t.school_year_id)), on)
            elif period == Period.FIVE_YEAR:
                w = periods.cycle_window(self.school.setting("hours_cycle_start_year"), on)
            else:
                w = periods.term_window(t, on)
            self._cache[period] = w
        return self._cache[period]


class _Values:
    """One aggregate per distinct (metric, filters, window, bucketing), cached."""

    def __init__(self, school_id: int, teacher_id: int | None = None):
        self.school_id, self.teacher_id = school_id, teacher_id
        self._cache: dict = {}

    def get(self, metric: QueryMetric, filters: dict, window: periods.Window, by: str | None):
        key = (metric.key, json.dumps(filters or {}, sort_keys=True), window.start, window.end, by)
        if key not in self._cache:
            kw = {"school_id": self.school_id, "start": window.start, "end": window.end, "filters": filters}
            if self.teacher_id is not None:
                kw["teacher_id"] = self.teacher_id
            self._cache[key] = metric.buckets(**kw, by=by) if by else metric.totals(**kw)
        return self._cache[key]


def _shape(r: Requirement, window: periods.Window, start: dt.date) -> tuple:
    """What a cell owes, which depends only on the requirement, the window and the teacher's
    start — the same for nearly every teacher, so computed once per distinct start."""
    if r.is_bucketed:
        mine = [b for b in window.buckets if b.end >= start]
        return mine, [b for b in mine if b.start <= window.on]
    target = periods.scaled_target(Decimal(r.threshold), window.share_of_period(start))
    return target, periods.pace(target, window.share_elapsed(start))


def _evaluate(r: Requirement, teacher: Teacher, window: periods.Window, values, memo: dict | None = None) -> Progress:
    start = judged_from(teacher, window.start)
    threshold = Decimal(r.threshold)
    key = (r.pk, id(window), start)
    shape = memo.get(key) if memo is not None else None
    if shape is None:
        shape = _shape(r, window, start)
        if memo is not None:
            memo[key] = shape
    if r.is_bucketed:
        mine, elapsed = shape
        rows = []
        for b in elapsed:
            v = sum((values.get((teacher.pk, k), Decimal(0)) for k in (b.keys or (b.key,))), Decimal(0))
            rows.append(BucketProgress(b.label, b.start, b.end, v, v >= threshold, open=b.end >= window.on))
        done = Decimal(sum(1 for b in rows if b.met))
        owed = Decimal(sum(1 for b in rows if not b.open))  # finished buckets must all be met
        target = Decimal(len(mine))
        if target and done >= target:
            status = Status.MET
        elif done >= owed:
            status = Status.ON_TRACK
        else:
            status = Status.BEHIND
        end = min(window.end, window.on)
        return Progress(r, teacher.pk, done, Decimal(len(rows)), target, owed, status, window.start, end, rows, start)
    done = values.get(teacher.pk, Decimal(0))
    target, expected = shape
    if done >= target:
        status = Status.MET
    elif done >= expected:
        status = Status.ON_TRACK
    else:
        status = Status.BEHIND
    return Progress(r, teacher.pk, done, target, target, expected, status, window.start, window.end, None, start)


def _compute(school, term, on, teachers, requirements, teacher_id=None) -> dict[tuple[int, int], Progress]:
    audiences = AudienceContext(school, term, teachers, on)
    windows = _Windows(school, term, on)
    values = _Values(school.pk, teacher_id)
    by_id = {t.pk: t for t in teachers}
    memo: dict = {}
    cells: dict[tuple[int, int], Progress] = {}
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
        vals = values.get(metric, r.filters, window, by)
        for tid in who:
            cells[(tid, r.pk)] = _evaluate(r, by_id[tid], window, vals, memo)
    return cells


def _today():
    from xiaoben.org.selectors import today

    return today()


def progress_for_school(school: School, term: Term | None = None, on: dt.date | None = None) -> ProgressGrid | None:
    """Every active teacher of the school × every applicable requirement, as of `on` (today)."""
    from xiaoben.org.selectors import current_term

    on = on or _today()
    term = term or current_term(school.pk, on)
    if term is None:
        return None
    teachers = list(Teacher.objects.filter(school=school, is_active=True).select_related("user").order_by("staff_no"))
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
    reqs = requirements_for(school, term)
    if metric is not None:
        reqs = reqs.filter(metric=metric)
    reqs = list(reqs)
    cells = _compute(school, term, on, [teacher], reqs, teacher_id=teacher.pk)
    return [cells[(teacher.pk, r.pk)] for r in reqs if (teacher.pk, r.pk) in cells]
