"""Period windows: the dates a requirement counts over and how far along we are.

Rules (the school's words first):
- 每学期 / 每学年: records from the start of the term (or school year) to its end;
  "on pace" is pro-rata by teaching weeks elapsed, holiday weeks (`Term.holiday_weeks`)
  excluded.
- 五年周期: the 学时 cycle (school setting `hours_cycle_start_year`, as the hours
  ledger reads it), calendar years; pro-rata by days.
- 每年（自然年）: the 学时 ledger's year, 1月1日–12月31日; pro-rata by days.
- 每两周 (隔周/双周): buckets of two consecutive teaching weeks (第1-2周, 第3-4周 …).
- 每周 / 每月: judged bucket by bucket within the current term — a week (第N周,
  teaching weeks only) or a calendar month is met when its own count reaches the
  threshold; the bucket still under way is not held against anyone.
- Someone who starts mid-period is judged from their start (see `engine.judged_from`).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from xiaoben.org.models import Term

CYCLE_ANCHOR = 2022
CYCLE_YEARS = 5


@dataclass(frozen=True)
class Bucket:
    """One week (key = its Monday, label 第N周) or month (key = its 1st)."""

    key: dt.date
    label: str
    start: dt.date
    end: dt.date
    keys: tuple[dt.date, ...] = ()  # the week Mondays a two-week bucket sums (empty: just `key`)


@dataclass
class Window:
    start: dt.date
    end: dt.date
    on: dt.date
    # pro-rata units: teaching weeks for term/year (date Mondays), days for the cycle
    units: list[dt.date] = field(default_factory=list)
    buckets: list[Bucket] = field(default_factory=list)

    @property
    def finished(self) -> bool:
        return self.on > self.end

    def units_from(self, start: dt.date) -> list[dt.date]:
        return [u for u in self.units if u >= _monday(start)] if self.units else []

    def share_elapsed(self, start: dt.date) -> Fraction:
        """Share of the (teacher's part of the) period already elapsed, 0..1 (exact)."""
        if self.finished:
            return Fraction(1)
        if self.units:
            mine = self.units_from(start)
            if not mine:
                return Fraction(1)
            elapsed = [u for u in mine if u <= self.on]
            return Fraction(len(elapsed), len(mine))
        total = (self.end - max(start, self.start)).days + 1
        gone = (self.on - max(start, self.start)).days + 1
        return Fraction(max(0, min(gone, total)), max(1, total))

    def share_of_period(self, start: dt.date) -> Fraction:
        """Share of the whole period that lies after `start` (a mid-term joiner's part)."""
        if start <= self.start:
            return Fraction(1)
        if self.units:
            return Fraction(len(self.units_from(start)), max(1, len(self.units)))
        total = (self.end - self.start).days + 1
        return Fraction(max(0, (self.end - start).days + 1), total)


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _teaching_mondays(term: Term) -> list[dt.date]:
    return [term.week_range(w)[0] for w in term.teaching_weeks()]


def term_window(term: Term, on: dt.date) -> Window:
    return Window(start=term.start_date, end=term.end_date, on=on, units=_teaching_mondays(term))


def year_window(terms: list[Term], on: dt.date) -> Window:
    """The school year: its terms (one query by the caller); the summer between is no teaching."""
    terms = sorted(terms, key=lambda t: t.start_date)
    units = [m for t in terms for m in _teaching_mondays(t)]
    return Window(start=terms[0].start_date, end=terms[-1].end_date, on=on, units=units)


def cycle_window(cycle_start_year: int | None, on: dt.date) -> Window:
    anchor = int(cycle_start_year or CYCLE_ANCHOR)
    first = on.year - (on.year - anchor) % CYCLE_YEARS
    return Window(start=dt.date(first, 1, 1), end=dt.date(first + CYCLE_YEARS - 1, 12, 31), on=on)


def calendar_year_window(on: dt.date) -> Window:
    """每年（自然年）: the 学时 year, 1月1日 to 12月31日; pro-rata by days."""
    return Window(start=dt.date(on.year, 1, 1), end=dt.date(on.year, 12, 31), on=on)


def week_window(term: Term, on: dt.date) -> Window:
    buckets = []
    for w in term.teaching_weeks():
        monday, sunday = term.week_range(w)
        buckets.append(Bucket(key=monday, label=f"第{w}周", start=max(monday, term.start_date), end=min(sunday, term.end_date)))
    return Window(start=term.start_date, end=term.end_date, on=on, buckets=buckets)


def two_week_window(term: Term, on: dt.date) -> Window:
    """每两周: teaching weeks taken in pairs; a holiday week is skipped, not counted."""
    weeks = term.teaching_weeks()
    buckets = []
    for i in range(0, len(weeks), 2):
        pair = weeks[i : i + 2]
        mondays = tuple(term.week_range(w)[0] for w in pair)
        label = f"第{pair[0]}-{pair[-1]}周" if len(pair) > 1 else f"第{pair[0]}周"
        start = max(mondays[0], term.start_date)
        end = min(term.week_range(pair[-1])[1], term.end_date)
        buckets.append(Bucket(key=mondays[0], label=label, start=start, end=end, keys=mondays))
    return Window(start=term.start_date, end=term.end_date, on=on, buckets=buckets)


def month_window(term: Term, on: dt.date) -> Window:
    buckets = []
    first = term.start_date.replace(day=1)
    while first <= term.end_date:
        nxt = (first + dt.timedelta(days=32)).replace(day=1)
        buckets.append(
            Bucket(
                key=first, label=f"{first.month}月", start=max(first, term.start_date), end=min(nxt - dt.timedelta(days=1), term.end_date)
            )
        )
        first = nxt
    return Window(start=term.start_date, end=term.end_date, on=on, buckets=buckets)


def scaled_target(threshold: Decimal, share: Fraction) -> Decimal:
    """A joiner's share of a period quota, rounded up (a part-term joiner still owes one lesson)."""
    if share >= 1:
        return threshold
    return Decimal(max(1, math.ceil(Fraction(threshold) * share)))


def pace(target: Decimal, share_elapsed: Fraction) -> Decimal:
    """What should be done by now: pro-rata, rounded down (nobody is behind on a 1-per-term
    quota before the term ends)."""
    if share_elapsed >= 1:
        return target
    return Decimal(math.floor(Fraction(target) * share_elapsed))
