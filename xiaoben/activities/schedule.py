"""School timetables: 第N节 → clock time, read from `school.setting("periods")`.

A school stores its bell schedule as {"1": ["08:00", "08:40"], …}; without one the
common 小学 timetable below is used (上午四节, 下午四节: 第7节 is 下午第三节)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

DEFAULT_PERIODS: dict[str, list[str]] = {
    "1": ["08:00", "08:40"],
    "2": ["08:50", "09:30"],
    "3": ["10:00", "10:40"],
    "4": ["10:50", "11:30"],
    "5": ["13:30", "14:10"],
    "6": ["14:20", "15:00"],
    "7": ["15:15", "15:55"],
    "8": ["16:05", "16:45"],
}
WEEKDAYS = "一二三四五六日"


def periods_for(school) -> dict[int, tuple[dt.time, dt.time]]:
    raw = (school.setting("periods", None) if school is not None else None) or DEFAULT_PERIODS
    out: dict[int, tuple[dt.time, dt.time]] = {}
    for key, pair in raw.items():
        try:
            start, end = (dt.time.fromisoformat(x) for x in pair)
            out[int(key)] = (start, end)
        except (TypeError, ValueError):
            continue
    return dict(sorted(out.items()))


def period_choices(school) -> list[tuple[int, str]]:
    return [(n, f"第{n}节（{s:%H:%M}–{e:%H:%M}）") for n, (s, e) in periods_for(school).items()]


def period_times(school, day: dt.date, period: int) -> tuple[dt.datetime, dt.datetime]:
    table = periods_for(school)
    if period not in table:
        from django.core.exceptions import ValidationError

        raise ValidationError(f"学校作息表里没有第{period}节。")
    start, end = table[period]
    tz = timezone.get_current_timezone()
    return dt.datetime.combine(day, start, tzinfo=tz), dt.datetime.combine(day, end, tzinfo=tz)


def period_of(school, when: dt.datetime | None) -> int | None:
    """The 第N节 a start time falls on (for showing '周五第3节')."""
    if when is None:
        return None
    t = timezone.localtime(when).time().replace(second=0, microsecond=0)
    for n, (s, e) in periods_for(school).items():
        if s <= t < e:
            return n
    return None


def slot_dates(term, weekday: int, *, start: dt.date | None = None) -> list[tuple[int, dt.date]]:
    """(第N周, date) for each teaching week of the term, on `weekday`, inside the
    term's bounds, from `start` on. Holiday weeks (`term.holiday_weeks`) are skipped."""
    holidays = set(term.holiday_weeks or [])
    first = max(term.start_date, start or term.start_date)
    out = []
    for week in range(1, term.week_count + 1):
        if week in holidays:
            continue
        day = term.week_range(week)[0] + dt.timedelta(days=weekday)
        if first <= day <= term.end_date:
            out.append((week, day))
    return out
