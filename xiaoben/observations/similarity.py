"""评课意见雷同检测: character shingles + Jaccard, against the school's other
observations of the last year. Short texts ("很好") are ignored — they are
legitimately common; a copied paragraph is not."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from .models import Observation, ObservationStatus

SHINGLE = 2  # character bigrams: two changed words in a paragraph still read as a copy
MIN_CHARS = 20
DEFAULT_THRESHOLD = 0.8
_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def feedback_text(strengths: str, weaknesses: str, suggestions: str) -> str:
    return _PUNCT.sub("", f"{strengths}{weaknesses}{suggestions}")


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    if len(text) < k:
        return {text} if text else set()
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def similar_observations(obs: Observation, *, threshold: float | None = None, days: int = 365) -> list[tuple[int, Decimal]]:
    """Ids of the school's submitted observations whose 三个一 feedback is at least
    `threshold` similar (school setting `feedback_similarity`, default 0.8)."""
    text = feedback_text(obs.strengths, obs.weaknesses, obs.suggestions)
    if len(text) < MIN_CHARS:
        return []
    if threshold is None:
        threshold = float(obs.school.setting("feedback_similarity", DEFAULT_THRESHOLD))
    mine = shingles(text)
    since = obs.lesson_date - dt.timedelta(days=days)
    rows = (
        Observation.objects.filter(school_id=obs.school_id, status=ObservationStatus.SUBMITTED, lesson_date__gte=since)
        .exclude(pk=obs.pk)
        .values_list("id", "strengths", "weaknesses", "suggestions")
        .iterator(chunk_size=2000)
    )
    out = []
    lo, hi = len(text) * threshold, len(text) / threshold if threshold else 10**9
    for pk, s, w, g in rows:
        other = feedback_text(s, w, g)
        if len(other) < MIN_CHARS or not lo <= len(other) <= hi:  # Jaccard ≥ t needs lengths within a factor t
            continue
        sim = jaccard(mine, shingles(other))
        if sim >= threshold:
            out.append((pk, Decimal(str(round(sim, 3)))))
    return sorted(out, key=lambda x: -x[1])[:10]
