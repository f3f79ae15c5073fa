"""gen_data: 听课记录 at the demo's density (about 25 given per teacher a year, skewed:
quiet and prolific observers), mostly within the observer's own groups."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson

from .models import Observation
from .seed_text import LESSONS, NOTES, STRENGTHS, SUGGESTIONS, WEAKNESSES

ORDER = 20
PER_TEACHER_YEAR = 25
KINDS = ["regular"] * 10 + ["push", "open", "open", "research", "research", "demo", "report", "leader"]


def colleagues(gs) -> dict[int, list[int]]:
    """Each teacher's group mates (or the whole school when in no group)."""
    out: dict[int, list[int]] = {}
    for g in gs.groups:
        for t in g.member_ids:
            out.setdefault(t, []).extend(m for m in g.member_ids if m != t)
    return out


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("observations")
    w = ctx.writer
    for gs in ctx.schools:
        days = ctx.school_days(gs)
        mates = colleagues(gs)
        rows = []
        for tid in gs.teacher_ids:
            n = poisson(rng, PER_TEACHER_YEAR * gs.weights[tid] * gs.weight)
            pool = mates.get(tid) or gs.teacher_ids
            for _ in range(n):
                observed = rng.choice(pool) if rng.random() < 0.8 else rng.choice(gs.teacher_ids)
                if observed == tid:
                    continue
                day, term = rng.choice(days)
                subject = gs.subjects[observed]
                draft = rng.random() < 0.03
                rows.append(
                    {
                        "school_id": gs.id,
                        "term_id": term.id,
                        "observer_id": tid,
                        "teacher_id": observed,
                        "lesson_date": day,
                        "period": rng.randint(1, 7),
                        "subject": subject,
                        "grade": rng.randint(1, 6),
                        "class_name": f"({rng.randint(1, 8)})班",
                        "lesson_title": rng.choice(LESSONS.get(subject) or LESSONS["语文"]),
                        "kind": rng.choice(KINDS),
                        "notes": rng.choice(NOTES),
                        "strengths": rng.choice(STRENGTHS),
                        "weaknesses": rng.choice(WEAKNESSES),
                        "suggestions": rng.choice(SUGGESTIONS),
                        "status": "draft" if draft else "submitted",
                        "submitted_at": None if draft else timezone.make_aware(dt.datetime.combine(day, dt.time(16, 30))),
                        "created_at": timezone.make_aware(dt.datetime.combine(day, dt.time(16, 0))),
                    }
                )
        ids = w.ids(Observation, len(rows))
        for pk, row in zip(ids, rows, strict=True):
            row["id"] = pk
        w.insert(Observation, rows)
