"""评课意见雷同检测 (SPEC §10): MinHash over character bigrams with LSH band keys
stored in `FeedbackBand`, so a new text is compared only with the few
observations sharing a band — not with every record of the school. Candidates
are then checked with exact Jaccard similarity. Short texts ("很好") are ignored:
they are legitimately common; a copied paragraph is not.

With 8 bands of 4 rows, two texts of similarity s share a band with probability
1-(1-s⁴)⁸: 0.99 at s=0.8, 0.40 at s=0.5 (then dropped by the exact check)."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from decimal import Decimal
from functools import lru_cache

import numpy as np
from datasketch import MinHash

from .models import FeedbackBand, Observation, ObservationStatus

SHINGLE = 2  # character bigrams: two changed words in a paragraph still read as a copy
MIN_CHARS = 20
DEFAULT_THRESHOLD = 0.8
NUM_PERM, BANDS, ROWS = 32, 8, 4
SCHEME = "affine32"  # fixed: stored band keys stay comparable across datasketch upgrades
MAX_CANDIDATES = 200
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


@lru_cache(maxsize=1)
def _permutations():
    return MinHash(num_perm=NUM_PERM, seed=5, scheme=SCHEME).permutations


def band_keys(text: str) -> list[int]:
    """The LSH keys of a normalised feedback text (empty for short texts)."""
    if len(text) < MIN_CHARS:
        return []
    m = MinHash(num_perm=NUM_PERM, seed=5, permutations=_permutations(), scheme=SCHEME)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    hv = np.asarray(m.hashvalues, dtype="<u8")
    keys = []
    for b in range(BANDS):
        digest = hashlib.blake2b(bytes([b]) + hv[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def observation_text(obs: Observation) -> str:
    return feedback_text(obs.strengths, obs.weaknesses, obs.suggestions)


def index_rows(obs: Observation, keys: list[int]) -> list[FeedbackBand]:
    return [FeedbackBand(school_id=obs.school_id, observation_id=obs.pk, key=k) for k in keys]


def feedback_index(obs: Observation, keys: list[int] | None = None) -> None:
    """(Re)store the band keys of one observation."""
    if keys is None:
        keys = band_keys(observation_text(obs))
    FeedbackBand.objects.filter(observation=obs).delete()
    FeedbackBand.objects.bulk_create(index_rows(obs, keys))


def similar_observations(
    obs: Observation, *, threshold: float | None = None, days: int = 365, keys: list[int] | None = None
) -> list[tuple[int, Decimal]]:
    """Ids of the school's submitted observations of the last year whose 三个一
    feedback is at least `threshold` similar (school setting `feedback_similarity`, default 0.8)."""
    text = observation_text(obs)
    keys = band_keys(text) if keys is None else keys
    if not keys:
        return []
    if threshold is None:
        threshold = float(obs.school.setting("feedback_similarity", DEFAULT_THRESHOLD))
    since = obs.lesson_date - dt.timedelta(days=days)
    candidates = list(
        FeedbackBand.objects.filter(
            school_id=obs.school_id,
            key__in=keys,
            observation__status=ObservationStatus.SUBMITTED,
            observation__deleted_at__isnull=True,
            observation__lesson_date__gte=since,
        )
        .exclude(observation_id=obs.pk)
        .values_list("observation_id", flat=True)
        .distinct()[:MAX_CANDIDATES]
    )
    if not candidates:
        return []
    mine = shingles(text)
    out = []
    for pk, s, w, g in Observation.objects.filter(pk__in=candidates).values_list("id", "strengths", "weaknesses", "suggestions"):
        sim = jaccard(mine, shingles(feedback_text(s, w, g)))
        if sim >= threshold:
            out.append((pk, Decimal(str(round(sim, 3)))))
    return sorted(out, key=lambda x: -x[1])[:10]
