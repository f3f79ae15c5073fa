"""Observation rows made directly with the contract fields (the observations app is
another team's; we only read it)."""

import datetime as dt

from xiaoben.observations.models import Observation


def observe(world, observer, teacher, day: dt.date, *, kind="mentor", status="submitted", term=None, school=None) -> Observation:
    return Observation.objects.create(
        school=school or world.school,
        term=term or (world.term if day >= world.term.start_date else world.prev_term),
        observer=observer,
        teacher=teacher,
        lesson_date=day,
        kind=kind,
        status=status,
        subject="语文",
        lesson_title="《秋天的雨》",
    )


def pair_for(world, mentor=None, mentee=None, **kw):
    from xiaoben.core.scope import SYSTEM
    from xiaoben.mentoring import services

    return services.mentorship_create(
        actor=SYSTEM,
        school=world.school,
        school_year=world.term.school_year,
        mentor=mentor or world.mentor,
        mentee=mentee or world.teacher,
        start_date=kw.pop("start_date", dt.date(2026, 9, 1)),
        goals=kw.pop("goals", "一学年内独立上好常规课"),
        **kw,
    )
