"""复制比: how much of a text is found in earlier texts, and where (SPEC §10).

One service for every text that can be copied — writings, lesson-plan versions,
observation feedback — compared with the school's records of every term, what other
schools shared with the region, and a reference library of circulating texts.

The measure is the one teachers know from 知网查重: copied characters ÷ the text's
characters, after normalising (NFKC, so full/half width agree; lower case; punctuation
and spaces dropped). A character counts as copied when it lies in a run of at least
`MIN_RUN` characters found in one source. A source that shares only short runs (stock
phrases such as “在今后的教学中，我将…”, coincidences) contributes nothing: a real copy
always carries at least one run of `LONG_RUN` characters.

Finding candidates: each indexed text stores its **winnowed fingerprints** (MOSS's
winnowing over `K`-character shingles with window `W`): any common run of at least
`W + K - 1` characters is guaranteed to share a fingerprint, whatever surrounds it — so
a copied paragraph inside a new text is found (containment), not only whole-text
similarity. Candidates are ranked by fingerprints shared, each weighted by 1/df in the
pool (how common it is across the compared texts), and only then aligned exactly.
The pool is filtered in SQL *before* ranking, so similar texts of other schools can
never push a same-school source out of the candidates; and at most CAP rows of the school
and CAP of the region are read per fingerprint (a fingerprint in more of the school's texts
than COMMON_DF is its stock text: it neither ranks nor counts), so one check reads a bounded
number of index entries at any district size.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Q

if TYPE_CHECKING:
    from xiaoben.org.models import School

    from .scope import Viewer

K = 8  # shingle length (normalised characters)
W = 16  # winnowing window: runs of ≥ W+K-1 = 23 characters always share a fingerprint
MIN_RUN = 10  # shortest run that counts as copied
LONG_RUN = 20  # a source counts only if it shares at least one run this long
CANDIDATES = 12
COMMON_DF = 50  # a fingerprint in more texts of the pool than this is not used to rank candidates
STOCK_DF = 10  # a passage whose fingerprints are all in more texts than this is the corpus's stock text
EXEMPT_FROM_STOCK = ("core.reference",)  # a known circulating text counts however common it has become
MAX_CHARS = 60_000  # texts beyond this are checked on their first 60,000 characters

STOCK_PHRASES = (
    "在今后的教学中",
    "以上是我的一点粗浅体会",
    "以上是我的几点体会",
    "不足之处敬请批评指正",
    "通过这次学习",
    "在以后的教学工作中",
    "我深深地体会到",
)


@dataclass
class Normalised:
    text: str  # normalised characters
    pos: list[int]  # index in the original text of each normalised character


def normalise(text: str) -> Normalised:
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate((text or "")[:MAX_CHARS]):
        n = unicodedata.normalize("NFKC", ch).lower()
        for c in n:
            if c.isalnum():
                out.append(c)
                pos.append(i)
    return Normalised("".join(out), pos)


def _hash(s: str) -> int:
    return int.from_bytes(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest(), "little", signed=True)


def fingerprints(text: str | Normalised) -> list[int]:
    """Winnowing: the minimum hash of every window of W shingles (rightmost on ties), deduplicated."""
    s = text.text if isinstance(text, Normalised) else normalise(text).text
    if len(s) < K:
        return [_hash(s)] if len(s) >= MIN_RUN else []
    hashes = [_hash(s[i : i + K]) for i in range(len(s) - K + 1)]
    if len(hashes) <= W:
        return [min(hashes)]
    return sorted({min(hashes[start : start + W]) for start in range(len(hashes) - W + 1)})


# Aligning a text with one source ------------------------------------------------------


@dataclass
class Run:
    start: int  # in the new text's normalised characters
    end: int
    source_start: int  # in the source's normalised characters

    @property
    def length(self) -> int:
        return self.end - self.start


def runs(a: str, b: str) -> list[Run]:
    """Maximal runs of `a` (≥ MIN_RUN characters) found in `b`, left to right."""
    if len(a) < MIN_RUN or len(b) < MIN_RUN:
        return []
    index: dict[str, list[int]] = defaultdict(list)
    for j in range(len(b) - MIN_RUN + 1):
        index[b[j : j + MIN_RUN]].append(j)
    out: list[Run] = []
    i = 0
    n = len(a)
    while i <= n - MIN_RUN:
        starts = index.get(a[i : i + MIN_RUN])
        if not starts:
            i += 1
            continue
        best_len, best_j = 0, starts[0]
        for j in starts[:20]:
            length = MIN_RUN
            while i + length < n and j + length < len(b) and a[i + length] == b[j + length]:
                length += 1
            if length > best_len:
                best_len, best_j = length, j
        out.append(Run(i, i + best_len, best_j))
        i += best_len
    return out


def _is_stock(s: str) -> bool:
    return any(p in s or s in p for p in STOCK_PHRASES)


def counted_runs(a: str, b: str) -> list[Run]:
    """The runs that make `b` a source of `a`: none unless one is LONG_RUN long; stock phrases never."""
    found = [r for r in runs(a, b) if not (r.length < LONG_RUN and _is_stock(a[r.start : r.end]))]
    if not any(r.length >= LONG_RUN for r in found):
        return []
    return found


# The report -----------------------------------------------------------------------------


@dataclass
class Passage:
    mine: str  # the copied passage as written in the new text
    theirs: str  # the same passage as written in the source


@dataclass
class SourceShare:
    ref: SourceRef
    share: float  # of the new text's characters found in this source
    passages: list[Passage] = field(default_factory=list)


@dataclass
class Report:
    share: float  # 复制比: copied characters ÷ characters (all sources together)
    chars: int
    copied_chars: int
    sources: list[SourceShare]


@dataclass(frozen=True)
class SourceRef:
    kind: str  # registered source kind, e.g. "writings.writing"
    object_id: int


def _excerpt(text: str, norm: Normalised, start: int, end: int) -> str:
    if not norm.pos:
        return ""
    return text[norm.pos[start] : norm.pos[min(end, len(norm.pos)) - 1] + 1]


def _stock_run(a: str, run: Run, seen: dict[int, int]) -> bool:
    """A run is the corpus's stock text when every fingerprint in it is common in the pool
    (a sentence dozens of colleagues write, a school's boilerplate): it does not count."""
    found = [seen[h] for h in {_hash(a[i : i + K]) for i in range(run.start, run.end - K + 1)} if h in seen]
    return bool(found) and min(found) > STOCK_DF


def compare(text: str, sources: Iterable[tuple[SourceRef, str]], *, seen: dict[int, int] | None = None) -> Report:
    """Exact alignment of `text` with each candidate source (plain texts). `seen` gives, for
    fingerprints of `text`, in how many texts of the pool they occur (to leave stock text out)."""
    mine = normalise(text)
    covered = bytearray(len(mine.text))
    shares: list[SourceShare] = []
    for ref, source_text in sources:
        theirs = normalise(source_text)
        found = counted_runs(mine.text, theirs.text)
        if seen and ref.kind not in EXEMPT_FROM_STOCK:
            found = [r for r in found if not _stock_run(mine.text, r, seen)]
            if not any(r.length >= LONG_RUN for r in found):
                found = []
        if not found:
            continue
        mask = bytearray(len(mine.text))
        for r in found:
            mask[r.start : r.end] = b"\x01" * r.length
            covered[r.start : r.end] = b"\x01" * r.length
        passages = [
            Passage(_excerpt(text, mine, r.start, r.end), _excerpt(source_text, theirs, r.source_start, r.source_start + r.length))
            for r in sorted(sorted(found, key=lambda r: -r.length)[:8], key=lambda r: r.start)  # the longest, in reading order
        ]
        shares.append(SourceShare(ref, sum(mask) / max(len(mine.text), 1), passages))
    shares.sort(key=lambda s: -s.share)
    copied = sum(covered)
    return Report(share=copied / len(mine.text) if mine.text else 0.0, chars=len(mine.text), copied_chars=copied, sources=shares)


# Sources and the index --------------------------------------------------------------------


@dataclass(frozen=True)
class TextSource:
    """A kind of record whose text is checked and can be a source.

    `texts(ids)` returns {id: plain text} for the ids; it is the only way the engine
    reads a record, so each app keeps its own rules of what the text is."""

    kind: str
    label: str
    texts: Callable[[list[int]], dict[int, str]]
    # What a viewer may be shown of sources: {id: SourceView} for the ids they may open *now*
    # (through the door); a source left out is reported as one they may not open.
    describe: Callable[[Any, list[int]], dict[int, SourceView]] | None = None  # (viewer, ids)


@dataclass(frozen=True)
class SourceView:
    title: str
    author: str
    school: str
    url: str


def quoted(title: str) -> str:
    """A title in 《》 for the list of sources, unless it already quotes a work (《海底世界》教学反思)."""
    title = (title or "").strip()
    return title if "《" in title else f"《{title}》"


_SOURCES: dict[str, TextSource] = {}


def register_source(source: TextSource) -> TextSource:
    _SOURCES[source.kind] = source
    return source


def source(kind: str) -> TextSource:
    return _SOURCES[kind]


@dataclass(frozen=True)
class Pool:
    """What a text is compared with: a school's records, what a region shares, the libraries."""

    school_id: int | None
    region_ids: tuple[int, ...] = ()  # the school's region and its ancestors (region-shared, district libraries)
    kinds: tuple[str, ...] = ()  # only these kinds of source (empty: every kind)

    def q(self) -> Q:
        q = Q(region_id__in=self.region_ids) if self.region_ids else Q(pk__in=[])
        if self.school_id is not None:
            q |= Q(school_id=self.school_id)
        return q & Q(kind__in=self.kinds) if self.kinds else q


def index(ref: SourceRef, text: str, *, school_id: int | None, region_id: int | None = None) -> int:
    """(Re)index a text. `region_id` set: visible to the pools of that region's schools
    (a writing shared with the region, a district library text)."""
    from .models import TextFingerprint

    TextFingerprint.objects.filter(kind=ref.kind, object_id=ref.object_id).delete()
    rows = [
        TextFingerprint(kind=ref.kind, object_id=ref.object_id, school_id=school_id, region_id=region_id, hash=h)
        for h in fingerprints(text)
    ]
    TextFingerprint.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def unindex(ref: SourceRef) -> None:
    from .models import TextFingerprint

    TextFingerprint.objects.filter(kind=ref.kind, object_id=ref.object_id).delete()


CAP = COMMON_DF + 1  # rows read per fingerprint and side: more than COMMON_DF means "common", however many more


def _capped_sql(pool: Pool) -> tuple[str, list[Any]]:
    """PostgreSQL: for each fingerprint, at most CAP rows of the school and CAP of the region's
    shared texts and libraries (index scans on (hash, school_id) and (hash, region_id)), so the
    work per check is bounded by the text's fingerprints × 2·CAP whatever the district's size."""
    kinds = " AND kind = ANY(%s)" if pool.kinds else ""
    branches, params = [], []
    if pool.school_id is not None:
        branches.append(
            f"(SELECT kind, object_id, true AS own FROM core_textfingerprint WHERE hash = h.hash AND school_id = %s{kinds} LIMIT {CAP})"
        )
        params += [pool.school_id, *([list(pool.kinds)] if pool.kinds else [])]
    if pool.region_ids:
        branches.append(
            "(SELECT kind, object_id, false AS own FROM core_textfingerprint WHERE hash = h.hash AND region_id IS NOT NULL"
            f" AND region_id = ANY(%s) AND school_id IS DISTINCT FROM %s{kinds} LIMIT {CAP})"
        )
        params += [list(pool.region_ids), pool.school_id, *([list(pool.kinds)] if pool.kinds else [])]
    sql = (
        "SELECT h.hash, f.kind, f.object_id, f.own FROM unnest(%s::bigint[]) AS h(hash)"
        f" CROSS JOIN LATERAL (SELECT u.kind, u.object_id, u.own FROM ({' UNION ALL '.join(branches)}) u) f"
    )
    return sql, params


def pool_matches(hashes: list[int], pool: Pool) -> list[tuple[int, str, int, bool]]:
    """(hash, kind, object_id, own) of the pool's texts holding each fingerprint — `own`: the
    school's own text — at most CAP per fingerprint of the school's and CAP of the rest. One query."""
    from django.db import connection

    from .models import TextFingerprint

    if not hashes or (pool.school_id is None and not pool.region_ids):
        return []
    if connection.vendor == "postgresql":
        sql, params = _capped_sql(pool)
        with connection.cursor() as cur:
            cur.execute(sql, [list(hashes), *params])
            found: list[tuple[int, str, int, bool]] = cur.fetchall()
            return found
    # Other databases (SQLite in tests and the demo): the same rows, capped after reading.
    out: list[tuple[int, str, int, bool]] = []
    per: Counter[tuple[int, bool]] = Counter()
    rows = TextFingerprint.objects.filter(pool.q(), hash__in=hashes).values_list("hash", "kind", "object_id", "school_id")
    for h, kind, object_id, school_id in rows:
        own = pool.school_id is not None and school_id == pool.school_id
        if per[h, own] < CAP:
            per[h, own] += 1
            out.append((h, kind, object_id, own))
    return out


def candidates(
    text: str | Normalised, pool: Pool, *, exclude: Iterable[SourceRef] = (), limit: int = CANDIDATES, df_out: dict[int, int] | None = None
) -> list[SourceRef]:
    """The pool's texts sharing the most (rarity-weighted) fingerprints with `text`. One query.

    How common a fingerprint is, is counted in the school's own corpus (`df_out` receives it,
    capped at CAP): its stock text. Texts shared by other schools are candidates like the
    school's own, but many copies of one text across the district do not make it stock."""
    hashes = fingerprints(text)
    rows = pool_matches(hashes, pool)
    mine_only = pool.school_id is not None
    df: Counter[int] = Counter(h for h, _, _, own in rows if own or not mine_only)
    n_all: Counter[int] = Counter(h for h, _, _, _ in rows)
    if df_out is not None:
        df_out.update(df)
    skip = set(exclude)
    score: dict[bool, Counter[SourceRef]] = {True: Counter(), False: Counter()}
    for h, kind, object_id, own in rows:
        if df[h] > COMMON_DF:  # the school's stock text does not rank candidates
            continue
        ref = SourceRef(kind, object_id)
        if ref not in skip:
            score[bool(own)][ref] += 1.0 / n_all[h]  # type: ignore[assignment]  # float weights (typeshed: int)
    # Half the places go to the school's own texts: however many similar texts the district
    # shares, the school's source stays among the candidates (the rest by score).
    mine = [r for r, _ in score[True].most_common(limit)]
    rest = [r for r, _ in score[False].most_common(limit)]
    picked = mine[: limit // 2] + rest[: limit - min(len(mine), limit // 2)]
    if len(picked) < limit:
        picked += mine[limit // 2 : limit // 2 + limit - len(picked)]
    return picked


def check(
    text: str, pool: Pool, *, exclude: Iterable[SourceRef] = (), keep: Callable[[list[SourceRef]], set[SourceRef]] | None = None
) -> Report:
    """复制比 of `text` against the pool: candidates by fingerprints, then exact alignment.
    `keep` narrows the candidates by a rule of the caller's (e.g. not from a later term)."""
    norm = normalise(text)
    seen: dict[int, int] = {}
    refs = candidates(norm, pool, exclude=exclude, df_out=seen)
    if keep is not None and refs:
        allowed = keep(refs)
        refs = [r for r in refs if r in allowed]
    by_kind: dict[str, list[int]] = defaultdict(list)
    for ref in refs:
        by_kind[ref.kind].append(ref.object_id)
    texts: dict[SourceRef, str] = {}
    for kind, ids in by_kind.items():
        if kind in _SOURCES:
            for pk, t in _SOURCES[kind].texts(ids).items():
                texts[SourceRef(kind, pk)] = t
    return compare(text, [(ref, texts[ref]) for ref in refs if ref in texts], seen=seen)


def region_chain(region_id: int | None) -> tuple[int, ...]:
    """A region and its ancestors (a district's library serves every 片区 below it)."""
    from .scope import directory

    return directory().region_chain(region_id)


DEFAULT_THRESHOLD = 0.30  # 知网-style: 30% of the text found elsewhere


def school_threshold(school: School) -> float:
    """The school's 复制比 above which a text is flagged (setting `copy_threshold`, default 30%)."""
    try:
        value = float(school.setting("copy_threshold", DEFAULT_THRESHOLD))
    except (TypeError, ValueError):
        return DEFAULT_THRESHOLD
    return value if 0 < value <= 1 else DEFAULT_THRESHOLD


def pool_for_school(school: School, kinds: tuple[str, ...] = ()) -> Pool:
    return Pool(school_id=school.pk, region_ids=region_chain(school.region_id), kinds=kinds)


@dataclass
class ShownSource:
    share: float
    view: SourceView | None  # None: a source the viewer may not open
    label: str
    passages: list[Passage] = field(default_factory=list)


def shown_sources(scope: Viewer, text: str, stored: list[dict[str, Any]]) -> list[ShownSource]:
    """The stored sources of a check as a viewer may see them now: each visible one with its
    aligned passages, each other one only as "a source you may not open" with its share."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in stored:
        by_kind[row["kind"]].append(int(row["id"]))
    views: dict[SourceRef, SourceView] = {}
    texts: dict[SourceRef, str] = {}
    for kind, ids in by_kind.items():
        src = _SOURCES.get(kind)
        if src is None or src.describe is None:
            continue
        for pk, view in src.describe(scope, ids).items():
            views[SourceRef(kind, pk)] = view
        visible_ids = [pk for pk in ids if SourceRef(kind, pk) in views]
        for pk, t in src.texts(visible_ids).items():
            texts[SourceRef(kind, pk)] = t
    aligned = {s.ref: s.passages for s in compare(text, [(r, t) for r, t in texts.items()]).sources}
    out = []
    for row in stored:
        ref = SourceRef(row["kind"], int(row["id"]))
        label = _SOURCES[ref.kind].label if ref.kind in _SOURCES else ""
        out.append(ShownSource(share=float(row.get("share", 0)), view=views.get(ref), label=label, passages=aligned.get(ref, [])))
    return out
