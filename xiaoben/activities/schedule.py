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
    """(第N周, date) for each day of the term whose timetable is `weekday`'s, from `start`
    on. Holiday weeks (`term.holiday_weeks`) and days off in the school calendar (元旦,
    国庆…) are skipped; a 调休 working day that follows `weekday`'s timetable is added."""
    from xiaoben.org.calendar import for_term

    holidays = set(term.holiday_weeks or [])
    cal = for_term(term)
    first = max(term.start_date, start or term.start_date)
    out = []
    day = first
    while day <= term.end_date:
        week = term.week_of(day)
        if weekday >= 5:  # a weekend slot runs on its own day unless that day is a holiday
            runs = day.weekday() == weekday and not (cal.special(day) and cal.special(day).kind == "holiday")
        else:
            runs = cal.timetable_weekday(day) == weekday
        if week not in holidays and runs:
            out.append((week, day))
        day += dt.timedelta(days=1)
    return out
