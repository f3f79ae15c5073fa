"""Keeping the similarity index current and checking a writing against it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from xiaoben.core.html import html_to_text

from . import similarity as sim
from .models import Writing, WritingBand, WritingStatus


@dataclass
class Match:
    writing_id: int
    estimate: float
    similarity: float


def index_writing(writing: Writing) -> None:
    """Store the signature and the band keys of a submitted writing (replacing old ones)."""
    m = sim.minhash(html_to_text(writing.body))
    writing.signature = sim.signature_bytes(m)
    Writing.all_objects.filter(pk=writing.pk).update(signature=writing.signature)
    WritingBand.objects.filter(writing_id=writing.pk).delete()
    WritingBand.objects.bulk_create(
        [WritingBand(writing_id=writing.pk, school_id=writing.school_id, band=b, key=k) for b, k in sim.band_keys(m.hashvalues)]
    )


def unindex_writing(writing: Writing) -> None:
    WritingBand.objects.filter(writing_id=writing.pk).delete()


def comparable(writing: Writing):
    """What a writing is compared with: its school's submitted writings of this and
    earlier terms, and the writings other schools of the district shared with the region."""
    school = writing.school
    return (
        Writing.objects.filter(status__in=[WritingStatus.SUBMITTED, WritingStatus.REVIEWED], signature__isnull=False)
        .filter(Q(school_id=school.pk) | Q(school__region_id=school.region_id, visibility="region"))
        .filter(term__start_date__lte=writing.term.start_date)
        .exclude(pk=writing.pk)
    )


def find_closest(*, writing: Writing, text: str | None = None) -> Match | None:
    """The most similar earlier writing, by LSH candidates then exact shingle Jaccard."""
    text = html_to_text(writing.body) if text is None else text
    m = sim.minhash(text)
    keys = [k for _, k in sim.band_keys(m.hashvalues)]
    hits = list(WritingBand.objects.filter(key__in=keys).values_list("writing_id", flat=True))
    ids = sim.rank_candidates(hits, exclude=writing.pk)
    if not ids:
        return None
    rows = list(comparable(writing).filter(pk__in=ids).values_list("pk", "signature", "body"))
    mine = sim.signature_array(sim.signature_bytes(m))
    scored = sorted(((sim.estimated_jaccard(mine, sim.signature_array(sig)), pk, body) for pk, sig, body in rows), reverse=True)[:3]
    best = None
    for est, pk, body in scored:
        exact = sim.jaccard(text, html_to_text(body))
        if best is None or exact > best.similarity:
            best = Match(writing_id=pk, estimate=est, similarity=exact)
    return best


def check_writing(writing: Writing) -> Match | None:
    """Index a submitted writing and record its closest source on it."""
    match = find_closest(writing=writing)
    index_writing(writing)
    writing.similarity = round(match.similarity, 4) if match else 0.0
    writing.similar_to_id = match.writing_id if match else None
    Writing.all_objects.filter(pk=writing.pk).update(similarity=writing.similarity, similar_to_id=writing.similar_to_id)
    return match


def threshold(school) -> float:
    try:
        return float(school.setting("similarity_threshold", 0.8))
    except (TypeError, ValueError):
        return 0.8
