"""The school calendar: single-day holidays, 调休 working days and exam days on top of
weekends. A default national calendar (国务院办公厅 schedule) is built in; a school edits
it with its own `CalendarDay` rows, which win over the national ones (kind "school_day"
cancels a national holiday). Slots, week counts and weekly requirements read it through
`SchoolCalendar` — one query per school and date range."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Term

HOLIDAY, WORKDAY, EXAM, SCHOOL_DAY = "holiday", "workday", "exam", "school_day"

D = dt.date
# (date, kind, name, follows_weekday for 调休 working days: 0 = follows Monday's timetable)
NATIONAL: list[tuple[dt.date, str, str, int | None]] = []


def _span(first: dt.date, last: dt.date, name: str) -> None:
    d = first
    while d <= last:
        NATIONAL.append((d, HOLIDAY, name, None))
        d += dt.timedelta(days=1)


# 2026 (国办发明电〔2025〕号通知)
_span(D(2026, 1, 1), D(2026, 1, 3), "元旦")
NATIONAL.append((D(2026, 1, 4), WORKDAY, "元旦调休上班", 4))
_span(D(2026, 2, 15), D(2026, 2, 23), "春节")
NATIONAL += [(D(2026, 2, 14), WORKDAY, "春节调休上班", 0), (D(2026, 2, 28), WORKDAY, "春节调休上班", 4)]
_span(D(2026, 4, 4), D(2026, 4, 6), "清明节")
_span(D(2026, 5, 1), D(2026, 5, 5), "劳动节")
NATIONAL.append((D(2026, 5, 9), WORKDAY, "劳动节调休上班", 1))
_span(D(2026, 6, 19), D(2026, 6, 21), "端午节")
_span(D(2026, 9, 25), D(2026, 9, 27), "中秋节")
_span(D(2026, 10, 1), D(2026, 10, 7), "国庆节")
NATIONAL += [(D(2026, 9, 20), WORKDAY, "国庆调休上班", 3), (D(2026, 10, 10), WORKDAY, "国庆调休上班", 4)]
# 2027: the statutory days (调休 is announced late each year: schools add it themselves)
NATIONAL.append((D(2027, 1, 1), HOLIDAY, "元旦", None))
_span(D(2027, 2, 6), D(2027, 2, 12), "春节")
NATIONAL.append((D(2027, 4, 5), HOLIDAY, "清明节", None))
_span(D(2027, 5, 1), D(2027, 5, 5), "劳动节")
NATIONAL.append((D(2027, 6, 9), HOLIDAY, "端午节", None))
NATIONAL.append((D(2027, 9, 15), HOLIDAY, "中秋节", None))
_span(D(2027, 10, 1), D(2027, 10, 7), "国庆节")
# 2025 (for last year's records)
NATIONAL.append((D(2025, 1, 1), HOLIDAY, "元旦", None))
_span(D(2025, 4, 4), D(2025, 4, 6), "清明节")
_span(D(2025, 5, 1), D(2025, 5, 5), "劳动节")
_span(D(2025, 5, 31), D(2025, 6, 2), "端午节")
_span(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节")
NATIONAL += [(D(2025, 9, 28), WORKDAY, "国庆调休上班", 4), (D(2025, 10, 11), WORKDAY, "国庆调休上班", 3)]
NATIONAL_BY_DATE = {d: (k, n, f) for d, k, n, f in NATIONAL}


@dataclass(frozen=True)
class Day:
    date: dt.date
    kind: str  # holiday / workday / exam / school_day
    name: str
    follows_weekday: int | None = None
    national: bool = True

    @property
    def follows_label(self) -> str:
        return f"按周{'一二三四五六日'[self.follows_weekday]}课表" if self.follows_weekday is not None else ""

    @property
    def kind_label(self) -> str:
        return {HOLIDAY: "放假", WORKDAY: "调休上班", EXAM: "考试", SCHOOL_DAY: "照常上课"}[self.kind]


class SchoolCalendar:
    """The special days of one school between two dates (one query)."""

    def __init__(self, school_id: int | None, start: dt.date, end: dt.date):
        self.start, self.end = start, end
        self.days: dict[dt.date, Day] = {d: Day(d, k, n, f) for d, (k, n, f) in NATIONAL_BY_DATE.items() if start <= d <= end}
        if school_id is not None:
            from .models import CalendarDay

            for row in CalendarDay.objects.filter(school_id=school_id, date__gte=start, date__lte=end):
                self.days[row.date] = Day(row.date, row.kind, row.name, row.follows_weekday, national=False)

    def special(self, day: dt.date) -> Day | None:
        return self.days.get(day)

    def is_day_off(self, day: dt.date) -> bool:
        """No school that day: a holiday, or a weekend that is not a 调休 working day."""
        d = self.days.get(day)
        if d is not None:
            if d.kind == HOLIDAY:
                return True
            if d.kind in (WORKDAY, SCHOOL_DAY, EXAM):
                return False
        return day.weekday() >= 5

    def day_off_name(self, day: dt.date) -> str:
        """'国庆节' / '周末' / '' — what a record on this day is marked with."""
        if not self.is_day_off(day):
            return ""
        d = self.days.get(day)
        return d.name if d and d.kind == HOLIDAY else "周末"

    def timetable_weekday(self, day: dt.date) -> int | None:
        """Whose timetable runs this day (None: no school): a 调休 Saturday may follow Monday's."""
        if self.is_day_off(day):
            return None
        d = self.days.get(day)
        if d is not None and d.kind == WORKDAY and d.follows_weekday is not None:
            return d.follows_weekday
        return day.weekday()

    def school_days(self, first: dt.date, last: dt.date) -> int:
        n, d = 0, first
        while d <= last:
            n += not self.is_day_off(d)
            d += dt.timedelta(days=1)
        return n


def for_term(term: Term) -> SchoolCalendar:
    """Cached on the term instance: the engine and the slot generator ask many times."""
    cal = getattr(term, "_calendar", None)
    if cal is None:
        cal = SchoolCalendar(term.school_id, term.start_date - dt.timedelta(days=7), term.end_date + dt.timedelta(days=7))
        setattr(term, "_calendar", cal)  # noqa: B010 (an attribute the model doesn't declare)
    return cal
