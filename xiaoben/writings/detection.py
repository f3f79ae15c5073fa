"""The copy check of writings, on the one text-similarity service (core.textsim).

A submitted writing is compared with its school's writings of every term, what other
schools shared with the region and the reference libraries; its 复制比, sources and
state are stored on it. Flagged writings wait for a reviewer; whether they count toward
quotas meanwhile is the school's decision (default: only after the reviewer clears them)."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.utils import timezone

from xiaoben.core import textsim
from xiaoben.core.changes import rows_changed
from xiaoben.core.html import html_to_text

from .models import CopyState, Visibility, Writing, WritingStatus

KIND = "writings.writing"
DEFAULT_THRESHOLD = textsim.DEFAULT_THRESHOLD


def _texts(ids: list[int]) -> dict[int, str]:
    return {pk: html_to_text(body) for pk, body in Writing.all_objects.filter(pk__in=ids).values_list("pk", "body")}


def _describe(scope, ids: list[int]) -> dict[int, textsim.SourceView]:
    """Only what the viewer may open now (a source made private, a draft or deleted is not)."""
    from django.urls import reverse

    from xiaoben.core.tenancy import visible_to

    rows = visible_to(scope, Writing).filter(pk__in=ids).select_related("author", "school", "term__school_year")
    return {
        w.pk: textsim.SourceView(
            title=f"{textsim.quoted(w.title)}（{w.get_kind_display()}，{w.term}）",
            author=w.author.name,
            school=w.school.name,
            url=reverse("writings:detail", args=[w.pk]),
        )
        for w in rows
    }


textsim.register_source(textsim.TextSource(KIND, "研修文章", _texts, _describe))


def ref(writing: Writing) -> textsim.SourceRef:
    return textsim.SourceRef(KIND, writing.pk)


threshold = textsim.school_threshold


def counts_before_review(school) -> bool:
    """Does a flagged writing count toward quotas before a reviewer clears it? (default: no)"""
    return bool(school.setting("copy_counts_before_review", False))


def hold(writing: Writing) -> bool:
    if writing.copy_state in (CopyState.RETURNED, CopyState.CONFIRMED):
        return True
    return writing.copy_state == CopyState.FLAGGED and not counts_before_review(writing.school)


def index_writing(writing: Writing) -> None:
    """A submitted writing becomes a source for later ones: in its school's pool, and in the
    region's when it is shared with the region."""
    region_id = writing.school.region_id if writing.visibility == Visibility.REGION else None
    textsim.index(ref(writing), html_to_text(writing.body), school_id=writing.school_id, region_id=region_id)


def unindex_writing(writing: Writing) -> None:
    textsim.unindex(ref(writing))


def _not_later(writing: Writing):
    """A writing of a later term cannot be the source of this one (a back-dated entry is
    compared with what existed in its own term and before)."""

    def keep(refs: list[textsim.SourceRef]) -> set[textsim.SourceRef]:
        ids = [r.object_id for r in refs if r.kind == KIND]
        later = set(Writing.all_objects.filter(pk__in=ids, term__start_date__gt=writing.term.start_date).values_list("pk", flat=True))
        return {r for r in refs if not (r.kind == KIND and r.object_id in later)}

    return keep


def check_writing(writing: Writing) -> textsim.Report:
    """Check a writing being submitted, record its 复制比 and state, then index it."""
    report = textsim.check(
        html_to_text(writing.body), textsim.pool_for_school(writing.school), exclude=[ref(writing)], keep=_not_later(writing)
    )
    writing.copied_share = round(report.share, 4)
    writing.copy_sources = [{"kind": s.ref.kind, "id": s.ref.object_id, "share": round(s.share, 4)} for s in report.sources[:10]]
    flagged = report.share >= threshold(writing.school)
    if flagged:
        writing.copy_state = CopyState.FLAGGED
    elif writing.copy_state != CopyState.CLEARED:
        writing.copy_state = ""
    writing.copy_hold = hold(writing)
    Writing.all_objects.filter(pk=writing.pk).update(
        copied_share=writing.copied_share, copy_sources=writing.copy_sources, copy_state=writing.copy_state, copy_hold=writing.copy_hold
    )
    rows_changed(Writing, [writing.pk])  # copy_hold decides whether it counts
    index_writing(writing)
    return report


def check_batch(writings: list[Writing], *, check: set[int]) -> None:
    """`check_writing` for a batch of new writings (`writings_record_many`), in memory with the
    same engine: each school's submitted ones are taken in submission order, those in `check`
    compared with the batch's earlier ones of their school, every one indexed (one insert).

    Only the rows that ask are compared: the demo's texts are composed from shared sentence
    pools, which the check rightly reads as copies of each other."""
    from xiaoben.core.models import TextFingerprint
    from xiaoben.org.models import School

    submitted = sorted((w for w in writings if w.status != WritingStatus.DRAFT), key=lambda w: (w.submitted_at, w.pk))
    schools = School.objects.in_bulk({w.school_id for w in submitted})
    postings: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # school → hash → writings
    texts: dict[int, str] = {}
    checked: list[Writing] = []
    rows: list[TextFingerprint] = []
    for w in submitted:
        school, pool = schools[w.school_id], postings[w.school_id]
        text = html_to_text(w.body)
        prints = textsim.fingerprints(text)
        if w.pk in check:
            hits = Counter(i for h in prints for i in pool.get(h, ()))
            refs = [(textsim.SourceRef(KIND, i), texts[i]) for i, _ in hits.most_common(textsim.CANDIDATES)]
            report = textsim.compare(text, refs, seen={h: len(pool[h]) for h in prints if h in pool})
            w.copied_share = round(report.share, 4)
            w.copy_sources = [{"kind": KIND, "id": s.ref.object_id, "share": round(s.share, 4)} for s in report.sources[:10]]
            w.copy_state = CopyState.FLAGGED if report.share >= threshold(school) else ""
            w.school = school
            w.copy_hold = hold(w)
            checked.append(w)
        texts[w.pk] = text
        region_id = school.region_id if w.visibility == Visibility.REGION else None
        for h in prints:
            pool[h].append(w.pk)
            rows.append(TextFingerprint(kind=KIND, object_id=w.pk, school_id=w.school_id, region_id=region_id, hash=h))
    Writing.all_objects.bulk_update(checked, ["copied_share", "copy_sources", "copy_state", "copy_hold"], batch_size=500)
    TextFingerprint.objects.bulk_create(rows, batch_size=2000)


def rehold_school(school) -> int:
    """The school changed its counting rule: recompute who is held back (one UPDATE each way)."""
    flagged = Writing.all_objects.filter(school=school, copy_state=CopyState.FLAGGED)
    pks = list(flagged.values_list("pk", flat=True))
    n = flagged.update(copy_hold=not counts_before_review(school))
    rows_changed(Writing, pks)
    return n


def decide(writing: Writing, *, state: str, by, note: str) -> None:
    writing.copy_state = state
    writing.copy_decided_by = by
    writing.copy_decided_at = timezone.now()
    writing.copy_note = note
    writing.copy_hold = hold(writing)
    if state == CopyState.RETURNED:
        writing.status = WritingStatus.DRAFT
        writing.submitted_at = None
        unindex_writing(writing)
