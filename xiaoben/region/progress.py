"""Many schools against a district's requirements, as counts — the comparison of schools.

    region_templates(schools) -> the active region-wide requirements over those schools
    region_progress(schools, requirements, on) -> {(school_id, requirement_id): Counts}

Every teacher is judged by the district's own requirement (its threshold, not a school's
stricter copy: the same bar for every school) with the engine's rules: the window of the
school's current term (school year, five-year cycle), `judged_from`, pro rata for joiners,
week/month buckets (`engine._shape`). Only counts leave this module, never a teacher.

Queries, whatever the number of schools: the region tree, the templates, their terms, their calendar days,
their teachers, the audiences a requirement needs (mentorships, memberships, roles: once each),
and per requirement and distinct term dates (a district's schools share their term dates, so
in practice per requirement) the kept values' two reads (`requirements.kept.values`; a
handful more for the schools whose records changed since, recomputed in one aggregate)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from xiaoben.mentoring.models import Mentorship
from xiaoben.org.models import GroupMembership, Region, RoleAssignment, School, Teacher, Term
from xiaoben.requirements import periods
from xiaoben.requirements.engine import _shape, status_of
from xiaoben.requirements.models import Audience, Period, Requirement, Status
from xiaoben.requirements.registry import get_metric


@dataclass
class Counts:
    met: int = 0
    on_track: int = 0
    behind: int = 0
    by_subject: dict[str, list[int]] = field(default_factory=dict)  # subject -> [met, on_track, behind]

    @property
    def total(self) -> int:
        return self.met + self.on_track + self.behind

    @property
    def met_share(self) -> float:
        return round(self.met * 100 / self.total, 1) if self.total else 0.0

    @property
    def behind_share(self) -> float:
        return round(self.behind * 100 / self.total, 1) if self.total else 0.0


def region_templates(schools: list[School]) -> list[Requirement]:
    """The active district requirements that hold for these schools: templates on the
    schools' regions or any region above them (as `region_templates_adopt` copies them)."""
    parent = dict(Region.objects.values_list("id", "parent_id"))  # a small table (the scope reads it too)
    seen: set[int] = set()
    for rid in {s.region_id for s in schools}:
        while rid is not None and rid not in seen:
            seen.add(rid)
            rid = parent.get(rid)
    return list(Requirement.objects.filter(region_id__in=seen, school__isnull=True, active=True).order_by("order", "id"))


class _Teacher:
    """What the engine reads of a teacher, without a model instance per row."""

    __slots__ = ("joined_on", "pk", "school_id", "subject", "teaching_since", "user_id")

    def __init__(self, pk, school_id, joined_on, teaching_since, user_id, subject):
        self.pk, self.school_id, self.joined_on, self.teaching_since = pk, school_id, joined_on, teaching_since
        self.user_id, self.subject = user_id, subject

    def judged_from(self, start: dt.date) -> dt.date:  # `Teacher.judged_from`, called per teacher × requirement
        joined, since = self.joined_on, self.teaching_since
        if joined is not None and joined > start:
            start = joined
        if since is not None and since > start:
            start = since
        return start

    def is_new(self, on: dt.date) -> bool:
        return Teacher.is_new(self, on)  # type: ignore[arg-type]

    def teaching_years(self, on: dt.date | None = None):
        return Teacher.teaching_years(self, on)  # type: ignore[arg-type]


def _current(terms: list[Term], on: dt.date) -> Term | None:
    """`org.selectors.current_term` on terms already loaded."""
    holding = [t for t in terms if t.start_date <= on <= t.end_date]
    if holding:
        return holding[0]
    past = sorted((t for t in terms if t.start_date <= on), key=lambda t: t.start_date, reverse=True)
    if past:
        return past[0]
    return min(terms, key=lambda t: t.start_date) if terms else None


class _Windows:
    """Each school's windows, computed once per distinct calendar (most schools share one)."""

    def __init__(self, schools: dict[int, School], on: dt.date):
        from xiaoben.org.calendar import NATIONAL_BY_DATE, Day, SchoolCalendar
        from xiaoben.org.models import CalendarDay

        self.on = on
        ids = list(schools)
        terms_by_school: dict[int, list[Term]] = defaultdict(list)
        for t in Term.objects.filter(school_id__in=ids):
            terms_by_school[t.school_id].append(t)
        self.term: dict[int, Term | None] = {sid: _current(terms_by_school.get(sid, []), on) for sid in ids}
        self.year_terms = {
            sid: [t for t in terms_by_school.get(sid, []) if term and t.school_year_id == term.school_year_id]
            for sid, term in self.term.items()
        }
        own: dict[int, dict] = defaultdict(dict)
        all_terms = [t for ts in terms_by_school.values() for t in ts]
        if all_terms:
            lo = min(t.start_date for t in all_terms) - dt.timedelta(days=7)
            hi = max(t.end_date for t in all_terms) + dt.timedelta(days=7)
            for row in CalendarDay.objects.filter(school_id__in=ids, date__gte=lo, date__lte=hi):
                own[row.school_id][row.date] = Day(row.date, row.kind, row.name, row.follows_weekday, national=False)
        national: dict[tuple[dt.date, dt.date], dict] = {}  # most schools share their term dates
        for t in all_terms:  # the calendar `org.calendar.for_term` would load, from the rows above
            cal = SchoolCalendar.__new__(SchoolCalendar)
            cal.start, cal.end = t.start_date - dt.timedelta(days=7), t.end_date + dt.timedelta(days=7)
            if (cal.start, cal.end) not in national:
                national[(cal.start, cal.end)] = {
                    d: Day(d, k, n, f) for d, (k, n, f) in NATIONAL_BY_DATE.items() if cal.start <= d <= cal.end
                }
            cal.days = dict(national[(cal.start, cal.end)])
            cal.days.update({d: v for d, v in own.get(t.school_id, {}).items() if cal.start <= d <= cal.end})
            t._calendar = cal
        self._own = own
        self.schools = schools
        self._cache: dict = {}

    def _sig(self, t: Term) -> tuple:
        days = tuple(sorted((d, v.kind) for d, v in self._own.get(t.school_id, {}).items() if t.start_date <= d <= t.end_date))
        return (t.start_date, t.end_date, tuple(t.holiday_weeks or ()), days)

    def get(self, school_id: int, period: str) -> periods.Window | None:
        term = self.term.get(school_id)
        if term is None:
            return None
        if period == Period.FIVE_YEAR:
            key: tuple = (period, self.schools[school_id].setting("hours_cycle_start_year"))
        elif period == Period.SCHOOL_YEAR:
            key = (period, tuple(sorted(self._sig(t) for t in self.year_terms[school_id])))
        else:
            key = (period, self._sig(term))
        if key not in self._cache:
            on = self.on
            if period == Period.WEEK:
                w = periods.week_window(term, on)
            elif period == Period.TWO_WEEK:
                w = periods.two_week_window(term, on)
            elif period == Period.MONTH:
                w = periods.month_window(term, on)
            elif period == Period.SCHOOL_YEAR:
                w = periods.year_window(self.year_terms[school_id], on)
            elif period == Period.FIVE_YEAR:
                w = periods.cycle_window(key[1], on)
            else:
                w = periods.term_window(term, on)
            self._cache[key] = w
        return self._cache[key]


class _Audiences:
    """Who a requirement applies to, for all the schools at once (each list loaded once, if needed)."""

    def __init__(self, teachers: list[_Teacher], windows: _Windows, on: dt.date):
        self.teachers, self.windows, self.on = teachers, windows, on
        self.school_ids = list(windows.schools)
        self._members = self._mentor = self._roles = None

    def _memberships(self):
        if self._members is None:
            self._members = list(
                GroupMembership.objects.filter(group__school_id__in=self.school_ids, group__is_active=True).values_list(
                    "teacher_id", "role", "group__kind"
                )
            )
        return self._members

    def _mentorships(self):
        if self._mentor is None:
            years = {t.school_year_id for t in self.windows.term.values() if t}
            self._mentor = list(
                Mentorship.objects.filter(school_id__in=self.school_ids, school_year_id__in=years, is_active=True).values_list(
                    "mentor_id", "mentee_id"
                )
            )
        return self._mentor

    def _role_rows(self):
        if self._roles is None:
            self._roles = list(RoleAssignment.objects.filter(school_id__in=self.school_ids).values_list("role", "user_id"))
        return self._roles

    def of(self, r: Requirement) -> list[_Teacher]:
        a = r.applies_to
        if a in (Audience.ALL, Audience.GROUP):  # a district template has no group: every teacher (as adopted)
            return self.teachers
        if a == Audience.NEW_TEACHERS:
            return [t for t in self.teachers if t.is_new(self.on)]
        if a == Audience.GROUP_LEADERS:
            ids = {
                tid
                for tid, role, kind in self._memberships()
                if role in ("leader", "deputy") and (not r.group_kind or kind == r.group_kind)
            }
        elif a == Audience.MENTORS:
            ids = {m for m, _ in self._mentorships()}
        elif a == Audience.MENTEES:
            ids = {e for _, e in self._mentorships()}
        elif a == Audience.ROLE:
            users = {uid for role, uid in self._role_rows() if role == r.role}
            return [t for t in self.teachers if t.user_id in users]
        else:
            return []
        return [t for t in self.teachers if t.pk in ids]


def _status(r: Requirement, bucketed: bool, t: _Teacher, window: periods.Window, values: dict, memo: dict) -> str:
    """The status `engine._column` gives a cell, without building the cell: the same shape
    (`engine._shape`) and the same rule (`engine.status_of`); the tests compare the two.
    `values` of a week/month requirement are {teacher_id: {bucket: value}} (`_by_teacher`).
    Teachers judged from the same day with the same count share one answer (`memo`)."""
    start = t.judged_from(window.start)
    key = (r.pk, id(window), start)
    shape = memo.get(key)
    if shape is None:
        shape = memo[key] = _shape(r, window, start)
    if bucketed:
        own = values.get(t.pk)
        if not own:  # no records: the same answer for every teacher of this shape
            key = (*key, None)
            if key not in memo:
                memo[key] = _bucketed_status(r, shape, window, {})
            return memo[key]
        return _bucketed_status(r, shape, window, own)
    value = values.get(t.pk, ZERO)
    vkey = (*key, value)
    st = memo.get(vkey)
    if st is None:
        target, expected = shape
        st = memo[vkey] = status_of(value, target, expected)
    return st


ZERO = Decimal(0)
_ORDER = (Status.MET, Status.ON_TRACK, Status.BEHIND)  # the Counts fields, in `by_subject`'s order


def _bucketed_status(r: Requirement, shape: tuple, window: periods.Window, own: dict) -> str:
    mine, elapsed = shape
    threshold = Decimal(r.threshold)
    done = owed = 0
    for b in elapsed:
        v = sum((own.get(k, ZERO) for k in b.keys), ZERO) if b.keys else own.get(b.key, ZERO)
        done += v >= threshold
        owed += b.end < window.on
    return status_of(Decimal(done), Decimal(len(mine)), Decimal(owed), bucketed=True)


def _by_teacher(values: dict) -> dict[int, dict]:
    """{(teacher_id, bucket): value} -> {teacher_id: {bucket: value}}."""
    out: dict[int, dict] = {}
    for (tid, bucket), v in values.items():
        out.setdefault(tid, {})[bucket] = v
    return out


def region_progress(
    schools: list[School],
    requirements: list[Requirement],
    on: dt.date | None = None,
    *,
    by_subject: bool = False,
    behind_any: dict[int, set[int]] | None = None,
    live: bool = False,
) -> dict[tuple[int, int], Counts]:
    """{(school_id, requirement_id): Counts} — met / on track / behind among the teachers each
    requirement applies to, per school (and per subject when `by_subject`). `behind_any`, when
    given, is filled with {school_id: ids of teachers behind on at least one requirement}.

    Each teacher's count comes from the kept values (`requirements.kept`: recomputed only
    for the schools whose records changed); `live=True` counts from the records instead
    (the tests hold the two equal)."""
    from xiaoben.org.selectors import today
    from xiaoben.requirements import kept

    on = on or today()
    schools_by_id = {s.pk: s for s in schools}
    out: dict[tuple[int, int], Counts] = {(sid, r.pk): Counts() for sid in schools_by_id for r in requirements}
    if not schools_by_id or not requirements:
        return out
    windows = _Windows(schools_by_id, on)
    teachers = [
        _Teacher(*row)
        for row in Teacher.objects.filter(school_id__in=list(schools_by_id), is_active=True).values_list(
            "id", "school_id", "joined_on", "teaching_since", "user_id", "subject"
        )
    ]
    audiences = _Audiences(teachers, windows, on)
    memo: dict = {}
    for r in requirements:
        metric = get_metric(r.metric)
        if metric is None:
            continue
        bucketed = r.is_bucketed
        by = "week" if r.period in (Period.WEEK, Period.TWO_WEEK) else "month" if r.period == Period.MONTH else None
        who: dict[int, list[_Teacher]] = defaultdict(list)
        for t in audiences.of(r):
            who[t.school_id].append(t)
        # one aggregate per distinct date range over every school that shares it (schools whose
        # holiday weeks differ share the query; each is judged by its own window)
        groups: dict[tuple, list[tuple[int, periods.Window]]] = {}
        for sid in who:
            w = windows.get(sid, r.period)
            if w is not None:
                groups.setdefault((w.start, w.end), []).append((sid, w))
        for (start, end), members in groups.items():
            ask = kept.live_values if live else kept.values
            values = ask(metric, school_ids=[sid for sid, _w in members], start=start, end=end, filters=r.filters, by=by)
            if by:
                values = _by_teacher(values)
            for sid, w in members:
                c = out[(sid, r.pk)]
                tally = dict.fromkeys(_ORDER, 0)
                for t in who[sid]:
                    st = _status(r, bucketed, t, w, values, memo)
                    tally[st] += 1
                    if behind_any is not None and st == Status.BEHIND:
                        behind_any.setdefault(sid, set()).add(t.pk)
                    if by_subject:
                        row = c.by_subject.setdefault(t.subject or "", [0, 0, 0])
                        row[_ORDER.index(st)] += 1
                c.met, c.on_track, c.behind = (tally[st] for st in _ORDER)
    return out
