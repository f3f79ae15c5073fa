"""评课意见雷同 (SPEC §10) on the one text-similarity service (core.textsim).

The 三个一 feedback of a submitted observation is compared with the school's other
observations' feedback (a flag names the other record, so the pool is that kind only);
its 复制比 against each source is what the reviewer sees (the flags page, and the API's
`copied_share` / `flagged` / `feedback_flags` with each source through the door). Short texts ("很好") are ignored: they are legitimately common;
a copied paragraph is not."""

from __future__ import annotations

from decimal import Decimal

from xiaoben.core import textsim

from .models import Observation, ObservationStatus

KIND = "observations.feedback"
MIN_CHARS = 20
DEFAULT_THRESHOLD = 0.5  # half of the feedback found in another record


def feedback_text(strengths: str, weaknesses: str, suggestions: str) -> str:
    return "\n".join(t for t in (strengths, weaknesses, suggestions) if t)


def observation_text(obs: Observation) -> str:
    return feedback_text(obs.strengths, obs.weaknesses, obs.suggestions)


def _texts(ids: list[int]) -> dict[int, str]:
    rows = Observation.objects.filter(pk__in=ids).values_list("pk", "strengths", "weaknesses", "suggestions")
    return {pk: feedback_text(s, w, g) for pk, s, w, g in rows}


def _describe(scope, ids: list[int]) -> dict[int, textsim.SourceView]:
    from django.urls import reverse

    from xiaoben.core.tenancy import visible_to

    rows = visible_to(scope, Observation).filter(pk__in=ids).select_related("observer", "school")
    return {
        o.pk: textsim.SourceView(
            title=f"{o.lesson_date:%Y-%m-%d}《{o.lesson_title}》的评课意见",
            author=o.observer.name,
            school=o.school.name,
            url=reverse("observations:detail", args=[o.pk]),
        )
        for o in rows
    }


textsim.register_source(textsim.TextSource(KIND, "评课意见", _texts, _describe))


def ref(obs: Observation) -> textsim.SourceRef:
    return textsim.SourceRef(KIND, obs.pk)


def threshold(school) -> float:
    try:
        return float(school.setting("feedback_similarity", DEFAULT_THRESHOLD))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD


def _indexed(obs: Observation, text: str) -> bool:
    """Submitted feedback long enough to be worth comparing is a source for later records."""
    return obs.status == ObservationStatus.SUBMITTED and len(textsim.normalise(text).text) >= MIN_CHARS


def feedback_index(obs: Observation) -> None:
    text = observation_text(obs)
    if not _indexed(obs, text):
        textsim.unindex(ref(obs))
        return
    textsim.index(ref(obs), text, school_id=obs.school_id)


def feedback_index_many(observations: list[Observation]) -> None:
    """`feedback_index` of new records, in one insert (they have no fingerprints yet)."""
    from xiaoben.core.models import TextFingerprint

    rows = [
        TextFingerprint(kind=KIND, object_id=o.pk, school_id=o.school_id, hash=h)
        for o in observations
        if _indexed(o, text := observation_text(o))
        for h in textsim.fingerprints(text)
    ]
    TextFingerprint.objects.bulk_create(rows, batch_size=5000)


def similar_observations(obs: Observation, *, threshold_value: float | None = None) -> list[tuple[int, Decimal]]:
    """The school's observations whose feedback holds at least `threshold` of this one's
    (复制比 per source, school setting `feedback_similarity`, default 50%)."""
    text = observation_text(obs)
    if len(textsim.normalise(text).text) < MIN_CHARS:
        return []
    limit = threshold(obs.school) if threshold_value is None else threshold_value
    pool = textsim.Pool(school_id=obs.school_id, kinds=(KIND,))
    report = textsim.check(text, pool, exclude=[ref(obs)])
    live = set(
        Observation.objects.filter(
            pk__in=[s.ref.object_id for s in report.sources], status=ObservationStatus.SUBMITTED, deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    out = [(s.ref.object_id, Decimal(str(round(s.share, 3)))) for s in report.sources if s.share >= limit and s.ref.object_id in live]
    return out[:10]
