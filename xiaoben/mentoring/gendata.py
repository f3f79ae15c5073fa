"""gen_data: 师徒结对 for the current school year — each new teacher (教龄 < 3) with an
experienced colleague of the same subject — their quotas, and the 师徒课 observations
between the pair (some pairs keep up, some fall behind)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson
from xiaoben.observations.models import Observation
from xiaoben.observations.seed_text import LESSONS, STRENGTHS, SUGGESTIONS, WEAKNESSES

from .models import Mentorship

ORDER = 40


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("mentoring")
    w = ctx.writer
    year = max(next(iter(ctx.schools)).year_ids) if ctx.schools else None
    for gs in ctx.schools:
        year_id = gs.year_ids[year]
        year_terms = [t for t in gs.terms if t.school_year_id == year_id]
        days = [(d, t) for d, t in ctx.school_days(gs) if t in year_terms]
        new = [t for t in gs.teacher_ids if (ctx.today - gs.since[t]).days < 3 * 365]
        pairs, obs = [], []
        for mentee in new:
            seniors = [t for t in gs.teacher_ids if gs.subjects[t] == gs.subjects[mentee] and (ctx.today - gs.since[t]).days > 10 * 365]
            if not seniors:
                continue
            mentor = rng.choice(seniors)
            (pid,) = w.ids(Mentorship, 1)
            pairs.append(
                {
                    "id": pid,
                    "school_id": gs.id,
                    "school_year_id": year_id,
                    "mentor_id": mentor,
                    "mentee_id": mentee,
                    "subject": gs.subjects[mentee],
                    "start_date": year_terms[0].start if year_terms else ctx.today,
                    "is_active": True,
                }
            )
            keen = rng.random()
            for observer, observed, per_year in ((mentee, mentor, 30), (mentor, mentee, 20)):
                for _ in range(poisson(rng, per_year * keen * 0.4)):  # the year is under half gone
                    if not days:
                        break
                    day, term = rng.choice(days)
                    obs.append(
                        {
                            "school_id": gs.id,
                            "term_id": term.id,
                            "observer_id": observer,
                            "teacher_id": observed,
                            "lesson_date": day,
                            "period": rng.randint(1, 7),
                            "subject": gs.subjects[observed],
                            "lesson_title": rng.choice(LESSONS.get(gs.subjects[observed]) or LESSONS["语文"]),
                            "kind": "mentor",
                            "strengths": rng.choice(STRENGTHS),
                            "weaknesses": rng.choice(WEAKNESSES),
                            "suggestions": rng.choice(SUGGESTIONS),
                            "status": "submitted",
                            "submitted_at": timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30))),
                        }
                    )
        w.insert(Mentorship, pairs)
        for pk, row in zip(w.ids(Observation, len(obs)), obs, strict=True):
            row["id"] = pk
        w.insert(Observation, obs)
