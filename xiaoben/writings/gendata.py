"""gen_data: 研修文章 at the demo's density (about 30 a teacher a year, skewed), bodies
composed from the demo's sentence pools (a few hundred to 1,500 字), and their
copy-check fingerprints of the large school's writings (core.textsim)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson

from .demo_texts import CLOSINGS, GOALS, GOOD, INSIGHT_BODY, INSIGHT_TOPICS, PLANS, STUDENTS, WEAK
from .models import Writing
from .textcount import count_chars

ORDER = 30
PER_TEACHER_YEAR = 30
KINDS = ["reflection"] * 14 + ["insight"] * 4 + ["reading_note"] * 4 + ["case", "narrative", "book_review", "paper", "experience"]
TITLES = {
    "reflection": "教学反思",
    "insight": "心得体会",
    "reading_note": "读书笔记",
    "case": "教学案例",
    "narrative": "教育随笔",
    "book_review": "读后感",
    "paper": "论文",
    "experience": "经验总结",
}
VISIBILITY = ["school"] * 14 + ["group"] * 3 + ["private"] + ["region"] * 2


def _body(rng, kind: str, subject: str) -> str:
    fill = defaultdict(str, student=rng.choice(STUDENTS), subject=subject)
    if kind in ("insight", "experience", "paper"):
        topic = rng.choice(INSIGHT_TOPICS)[1]
        parts = [topic, *rng.sample(INSIGHT_BODY, k=rng.randint(3, 7))]
    else:
        parts = [rng.choice(GOALS), *rng.sample(GOOD, k=rng.randint(2, 4)), *rng.sample(WEAK, k=rng.randint(1, 3)), rng.choice(PLANS)]
    parts.append(rng.choice(CLOSINGS))
    paragraphs = rng.randint(1, 4)  # longer texts repeat the pattern, as real notes do
    return "\n".join("".join(p.format_map(fill) for p in parts) for _ in range(paragraphs))


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("writings")
    w = ctx.writer
    big_rows: dict = {}
    for gs in ctx.schools:
        days = ctx.school_days(gs)
        rows = []
        for tid in gs.teacher_ids:
            for _ in range(poisson(rng, PER_TEACHER_YEAR * gs.weights[tid] * gs.weight)):
                day, term = rng.choice(days)
                kind = rng.choice(KINDS)
                body = _body(rng, kind, gs.subjects[tid])
                status = "draft" if rng.random() < 0.05 else "reviewed" if rng.random() < 0.3 else "submitted"
                when = timezone.make_aware(dt.datetime.combine(day, dt.time(20, 0)))
                rows.append(
                    {
                        "school_id": gs.id,
                        "term_id": term.id,
                        "author_id": tid,
                        "kind": kind,
                        "sub_kind": "lesson" if kind == "reflection" else "",
                        "title": f"{TITLES[kind]}（{day:%m月%d日}）",
                        "body": body,
                        "char_count": count_chars(body),
                        "written_on": day,
                        "status": status,
                        "submitted_at": None if status == "draft" else when,
                        "visibility": rng.choice(VISIBILITY),
                        "is_excellent": rng.random() < 0.03,
                        "created_at": when,
                    }
                )
        ids = w.ids(Writing, len(rows))
        for pk, row in zip(ids, rows, strict=True):
            row["id"] = pk
        w.insert(Writing, rows)
        if gs is ctx.schools[0]:
            big_rows[gs.id] = rows
    _fingerprints(ctx, big_rows)


def _fingerprints(ctx: GenContext, rows_by_school: dict) -> None:
    """The copy-check index (core.textsim) for the large school's submitted writings — the pool
    the copy-check figure searches. Other schools' writings are left unindexed: fingerprinting
    every generated text would take most of the generation time (see docs/bench.md)."""
    from xiaoben.core.models import TextFingerprint
    from xiaoben.core.textsim import fingerprints

    from .detection import KIND

    big = ctx.schools[0]
    out = []
    for row in rows_by_school.get(big.id, []):
        if row["status"] == "draft":
            continue
        region = big.region_id if row["visibility"] == "region" else None
        out += [
            {"kind": KIND, "object_id": row["id"], "school_id": big.id, "region_id": region, "hash": h} for h in fingerprints(row["body"])
        ]
    ctx.writer.insert(TextFingerprint, out)
