"""Chinese full-text search: one service, two backends chosen by the database in use.

Documents are segmented by jieba (search mode) into `SearchEntry.tokens`; the index is an
FTS5 table on SQLite and a generated tsvector column with a GIN index on PostgreSQL
(migration 0002). A query is cut by jieba into words; every word must match (a word found
in a tag and another in the body match one record). A long word also matches as its parts
(“初步认识” ↔ “初步” + “认识”), because jieba may cut a document differently from a query.

Other apps plug in through the indexer registry:

    from xiaoben.resources.search import Document, Indexer, register_indexer
    register_indexer(Indexer(model=Plan, category="plan", label="计划", document=plan_document,
                             queryset=lambda: Plan.objects.select_related("school")))

in their own `search_index.py` (discovered at start-up) — or in `resources/indexers.py`.
Results always pass the door: an entry is visible exactly when `visible_to(scope, Model)`
holds its record, and anonymous visitors see public resources only.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html import escape
from importlib import import_module

from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.db.models import BooleanField, Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from xiaoben.core.appmodules import app_modules
from xiaoben.core.changes import changed
from xiaoben.core.scope import Scope, scope_for

from .models import SearchEntry

log = logging.getLogger(__name__)

STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "在",
        "是",
        "之",
        "等",
        "对",
        "把",
        "被",
        "也",
        "就",
        "都",
        "而",
        "上",
        "中",
        "下",
        "个",
        "我",
        "你",
        "他",
        "她",
        "们",
        "这",
        "那",
        "有",
    ]
)
WORD_RE = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
INITIALS_RE = re.compile(r"^[a-z]{2,6}$")


@dataclass(frozen=True)
class Access:
    """Who may read a record, for the common cases, from the record's own fields (the indexer
    says). Stored on its search entry as flags and as lexemes of the full-text index, so the door
    is a plain indexed predicate (docs/decisions.md, "The door on the search entry").

    A flag must grant *only* what the model's rule grants (tests/ compare both for every persona):
    `public` everyone; `district` the teachers of the school's district (and the district's 教研员);
    `alliance` also the teachers of the school's alliances; `region_staff` the 教研员 whose region
    holds the school. Everyone else is asked of the model's rule, but only for rows the reader
    may plausibly see: their own schools, rows without a school, and rows naming them
    (`people`: teacher ids, `users`: user ids; the author is always named). `by_id`: personal
    links kept in other tables (sign-ins) — the reader's own ids are looked up at search time.
    `None` (no Access given): every reader asks the rule (correct, slow for broad words)."""

    public: bool = False
    district: bool = False
    alliance: bool = False
    region_staff: bool = False
    people: tuple[int, ...] = ()
    users: tuple[int, ...] = ()
    by_id: bool = False


@dataclass
class Document:
    title: str
    body: str = ""
    tags: str = ""
    school_id: int | None = None
    kind: str = ""
    kind_label: str = ""
    subject: str = ""
    grade: int | None = None
    edition: str = ""
    author_id: int | None = None
    author_name: str = ""
    day: dt.date | None = None
    url: str = ""
    access: Access | None = None


@dataclass
class Indexer:
    model: type[models.Model]
    category: str
    label: str
    document: Callable[[models.Model], Document | None]  # None: not searchable (removed)
    queryset: Callable[[], models.QuerySet]
    # Changes to these models re-index the record they belong to: (model, obj -> record or None)
    watch: list[tuple[type[models.Model], Callable[[models.Model], models.Model | None]]] = field(default_factory=list)
    # Access.by_id: the ids of records of other schools the reader is linked to (one query)
    linked_ids: Callable[[Scope], Iterable[int]] | None = None


_INDEXERS: dict[str, Indexer] = {}
_BY_MODEL: dict[type[models.Model], Indexer] = {}


def register_indexer(ix: Indexer) -> Indexer:
    _INDEXERS[ix.category] = ix
    _BY_MODEL[ix.model] = ix
    post_save.connect(_on_save, sender=ix.model, dispatch_uid=f"search-{ix.category}")
    post_delete.connect(_on_delete, sender=ix.model, dispatch_uid=f"search-del-{ix.category}")
    changed.connect(_on_rows_changed, sender=ix.model, dispatch_uid=f"search-changed-{ix.category}")
    for wmodel, to_record in ix.watch:

        def handler(sender, instance, _to=to_record, **kw):
            rec = _to(instance)
            if rec is not None:
                schedule(type(rec), rec.pk)

        post_save.connect(handler, sender=wmodel, weak=False, dispatch_uid=f"search-{ix.category}-{wmodel.__name__}")
    return ix


def indexers() -> list[Indexer]:
    return list(_INDEXERS.values())


def categories() -> list[tuple[str, str]]:
    return [(ix.category, ix.label) for ix in _INDEXERS.values()]


def autodiscover() -> None:
    """Import resources/indexers.py and every app's search_index.py."""
    import_module("xiaoben.resources.indexers")
    app_modules("search_index")


# ---- segmentation -------------------------------------------------------------------


def _jieba():
    import jieba

    if not getattr(_jieba, "ready", False):
        jieba.setLogLevel(logging.WARNING)
        for word in ("初步认识", "集体备课", "教学设计", "示范课", "同课异构", "晒课", "说课", "评课", "作业设计", "课例"):
            jieba.add_word(word)
        _jieba.ready = True
    return jieba


def _clean(token: str) -> str:
    t = token.strip().lower()
    return t if t and WORD_RE.search(t) and "'" not in t and "\\" not in t and ACL not in t else ""


CJK_RUN_RE = re.compile(r"[\u3400-\u9fff]{2,}")


def document_tokens(*texts: str, bigrams_of: str = "") -> str:
    """Search-mode segmentation of a document, each token once, space separated. Titles and
    tags also give every pair of adjacent Chinese characters, so a two-character query word
    matches a title however jieba cut it (“课例” in “公开课例”)."""
    jb = _jieba()
    seen: dict[str, None] = {}
    for run in CJK_RUN_RE.findall(bigrams_of or ""):
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    for text in texts:
        if text:
            for tok in jb.cut_for_search(text):
                t = _clean(tok)
                if t:
                    seen.setdefault(t, None)
    return " ".join(seen)


@dataclass
class Query:
    text: str
    terms: list[str]  # precise-mode words
    parts: dict[str, list[str]]  # a long word → its search-mode parts

    @property
    def words(self) -> list[str]:
        """Every string worth highlighting."""
        out = list(self.terms)
        for ps in self.parts.values():
            out += ps
        return sorted(set(out), key=len, reverse=True)


def parse_query(text: str) -> Query:
    jb = _jieba()
    text = (text or "").strip()[:100]
    terms: list[str] = []
    for tok in jb.cut(text):
        t = _clean(tok)
        if t and t not in STOPWORDS and t not in terms:
            terms.append(t)
    parts = {}
    for t in terms:
        subs = [s for s in (_clean(x) for x in jb.cut_for_search(t)) if s and s != t and len(s) > 1]
        if subs:
            parts[t] = subs
    return Query(text=text, terms=terms[:12], parts=parts)


# ---- indexing ----------------------------------------------------------------------


_local = threading.local()


def schedule(model, pk) -> None:
    """Re-index after the commit, once per record however often it was saved in the transaction."""
    pending = getattr(_local, "pending", None)
    if pending is None or (pending and not any(cb[1] is _flush for cb in connection.run_on_commit)):
        # none yet, or the transaction that would have flushed them was rolled back: start afresh
        pending = _local.pending = set()
    if (model, pk) not in pending:
        pending.add((model, pk))
        transaction.on_commit(_flush)  # later flushes find the set empty and return


def _flush() -> None:
    pending, _local.pending = getattr(_local, "pending", set()), set()
    if not pending:
        return
    by_model: dict = {}
    for model, pk in pending:
        by_model.setdefault(model, []).append(pk)
    for model, pks in by_model.items():
        ix = _BY_MODEL.get(model)
        if ix is None:
            continue
        objs = list(ix.queryset().filter(pk__in=pks))
        gone = set(pks) - {o.pk for o in objs}
        if gone:
            ct = ContentType.objects.get_for_model(model)
            SearchEntry.objects.filter(content_type=ct, object_id__in=gone).delete()
        for i in range(0, len(objs), 500):
            index_objects(ix, objs[i : i + 500])


def discard_pending() -> None:
    """Forget scheduled re-indexing (after a full `reindex()`, e.g. at the end of the demo seed)."""
    _local.pending = set()


def _on_save(sender, instance, **kw):
    schedule(sender, instance.pk)


def _on_rows_changed(sender, pks, **kw):
    for pk in pks:
        schedule(sender, pk)


def _on_delete(sender, instance, **kw):
    ct = ContentType.objects.get_for_model(sender)
    SearchEntry.objects.filter(content_type=ct, object_id=instance.pk).delete()


def index_pk(model: type[models.Model], pk) -> None:
    ix = _BY_MODEL.get(model)
    if ix is None:
        return
    obj = ix.queryset().filter(pk=pk).first()
    ct = ContentType.objects.get_for_model(model)
    if obj is None:
        SearchEntry.objects.filter(content_type=ct, object_id=pk).delete()
        return
    index_objects(ix, [obj])


ACL = "§"  # access lexemes start with it; jieba never leaves it inside a word (see _clean)


def school_regions(school_ids: Iterable[int | None]) -> dict[int, tuple[int | None, list[int]]]:
    """school id → (its district, its alliances): one query (the region lexemes of its entries)."""
    from xiaoben.org.models import School

    ids = {i for i in school_ids if i}
    out: dict[int, tuple[int | None, list[int]]] = {sid: (None, []) for sid in ids}
    for sid, region_id in School.objects.filter(pk__in=ids).values_list("pk", "region_id"):
        out[sid] = (region_id, [])
    through = School.alliances.through
    for sid, alliance_id in through.objects.filter(school_id__in=ids).order_by("region_id").values_list("school_id", "region_id"):
        out[sid][1].append(alliance_id)
    return out


def access_fields(
    category: str, pk: int, school_id: int | None, author_id: int | None, a: Access | None, regions: dict | None = None
) -> dict:
    """The entry's access flags and lexemes (also used by gen_data and `search_reindex --access`).

    Lexemes: §c<category>; §s<school> (or §n without one); §a<author>; §t<teacher>, §u<user> of
    personal links; §o<category><pk> when links are kept elsewhere; §any when the indexer gave no
    Access; §pub; for the region flags the school's district and alliances: §rd<district>,
    §ra<alliance>…, §rs<district> §rs<alliance>… (regions: `school_regions()`, looked up if not given).
    The region lexemes only narrow the candidates: the flags are checked against the reader's
    school lists read at search time, so an entry left behind by a school's move never leaks."""
    lex = [f"{ACL}c{category}", f"{ACL}s{school_id}" if school_id else f"{ACL}n"]
    if author_id:
        lex.append(f"{ACL}a{author_id}")
    flags = {"shared_public": False, "shared_district": False, "shared_alliance": False, "region_staff": False}
    if a is None:
        lex.append(f"{ACL}any")
    else:
        lex += [f"{ACL}t{t}" for t in sorted(set(a.people)) if t]
        lex += [f"{ACL}u{u}" for u in sorted(set(a.users)) if u]
        if a.by_id:
            lex.append(f"{ACL}o{category}{pk}")
        if a.public:
            flags["shared_public"] = True
            lex.append(f"{ACL}pub")
        if school_id and (a.district or a.alliance or a.region_staff):
            if regions is None or school_id not in regions:
                regions = school_regions([school_id])
            district, alliances = regions[school_id]
            if a.district:
                flags["shared_district"] = True
                lex += [f"{ACL}rd{district}"] if district else []
            if a.alliance:
                flags["shared_alliance"] = True
                lex += [f"{ACL}ra{r}" for r in alliances]
            if a.region_staff:
                flags["region_staff"] = True
                lex += [f"{ACL}rs{r}" for r in ([district] if district else []) + alliances]
    return {**flags, "acl": " ".join(lex)}


def _entry(ix: Indexer, ct: ContentType, obj, doc: Document, regions: dict) -> SearchEntry:
    body = strip_tags(doc.body or "")
    return SearchEntry(
        **access_fields(ix.category, obj.pk, doc.school_id, doc.author_id, doc.access, regions),
        content_type=ct,
        object_id=obj.pk,
        school_id=doc.school_id,
        category=ix.category,
        kind=doc.kind[:30],
        kind_label=str(doc.kind_label)[:40],
        subject=doc.subject[:20],
        grade=doc.grade,
        edition=doc.edition[:20],
        author_id=doc.author_id,
        author_name=doc.author_name[:50],
        day=doc.day,
        title=doc.title[:200],
        tags=doc.tags[:400],
        body=body[:20000],
        tokens=document_tokens(doc.title, doc.tags, doc.author_name, body, bigrams_of=f"{doc.title} {doc.tags}"),
        url=doc.url[:300],
    )


def index_objects(ix: Indexer, objs: Iterable[models.Model]) -> int:
    """(Re)index records: delete their entries, insert fresh ones (bulk)."""
    ct = ContentType.objects.get_for_model(ix.model)
    objs = list(objs)
    docs = [(obj, ix.document(obj)) for obj in objs]
    regions = school_regions(d.school_id for _, d in docs if d is not None)
    rows = [_entry(ix, ct, obj, doc, regions) for obj, doc in docs if doc is not None]
    with transaction.atomic():
        SearchEntry.objects.filter(content_type=ct, object_id__in=[o.pk for o in objs]).delete()
        SearchEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def reindex(categories_: Iterable[str] | None = None, batch: int = 500) -> dict[str, int]:
    """Rebuild the index (management command `search_reindex`, the demo seed)."""
    out = {}
    for ix in indexers():
        if categories_ and ix.category not in categories_:
            continue
        ct = ContentType.objects.get_for_model(ix.model)
        SearchEntry.objects.filter(content_type=ct).delete()
        n = 0
        qs = ix.queryset().order_by("pk")
        last = 0
        while True:
            chunk = list(qs.filter(pk__gt=last)[:batch])
            if not chunk:
                break
            n += index_objects(ix, chunk)
            last = chunk[-1].pk
        out[ix.category] = n
    return out


def _write_access(ct_id: int, rows: list[tuple[int, dict]]) -> int:
    if not rows:
        return 0
    cols = ["acl", "shared_public", "shared_district", "shared_alliance", "region_staff"]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
            params: list = []
            for pk, fields in rows:
                params += [pk, *(fields[c] for c in cols)]
            cur.execute(
                "UPDATE resources_searchentry e SET "
                + ", ".join(f"{c} = v.{c}" for c in cols)
                + f" FROM (VALUES {values}) AS v(object_id, {', '.join(cols)})"
                + " WHERE e.content_type_id = %s AND e.object_id = v.object_id::bigint"
                + " AND (e.acl IS DISTINCT FROM v.acl OR e.shared_public <> v.shared_public OR e.shared_district <> v.shared_district"
                + " OR e.shared_alliance <> v.shared_alliance OR e.region_staff <> v.region_staff)",
                [*params, ct_id],
            )
            return cur.rowcount
        cur.executemany(
            "UPDATE resources_searchentry SET " + ", ".join(f"{c} = %s" for c in cols) + " WHERE content_type_id = %s AND object_id = %s",
            [[*(fields[c] for c in cols), ct_id, pk] for pk, fields in rows],
        )
        return len(rows)


def refill_access(categories_: Iterable[str] | None = None, batch: int = 2000, *, school_id: int | None = None) -> dict[str, int]:
    """Recompute the access flags and lexemes of the existing entries from their records (no
    jieba): `search_reindex --access`, after migration 0005 on a filled database. On PostgreSQL
    a large refill drops the GIN index and builds it again at the end (far faster)."""
    out: dict[str, int] = {}
    big = school_id is None and connection.vendor == "postgresql" and SearchEntry.objects.count() > 50_000
    if big:
        with connection.cursor() as cur:
            cur.execute("DROP INDEX IF EXISTS resources_searchentry_tsv")
    try:
        for ix in indexers():
            if categories_ and ix.category not in categories_:
                continue
            ct = ContentType.objects.get_for_model(ix.model)
            n, last = 0, 0
            qs = ix.queryset().order_by("pk")
            if school_id is not None:
                qs = qs.filter(school_id=school_id)
            while True:
                chunk = list(qs.filter(pk__gt=last)[:batch])
                if not chunk:
                    break
                last = chunk[-1].pk
                docs = [(obj, ix.document(obj)) for obj in chunk]
                regions = school_regions(d.school_id for _, d in docs if d is not None)
                rows = [
                    (obj.pk, access_fields(ix.category, obj.pk, doc.school_id, doc.author_id, doc.access, regions))
                    for obj, doc in docs
                    if doc is not None
                ]
                with transaction.atomic():
                    n += _write_access(ct.pk, rows)
            out[ix.category] = n
    finally:
        if big:
            with connection.cursor() as cur:
                cur.execute("CREATE INDEX IF NOT EXISTS resources_searchentry_tsv ON resources_searchentry USING gin (tsv)")
    return out


# ---- reading -----------------------------------------------------------------------
#
# The door on the entry. A reader's search is one full-text condition,
#     (query words) & (any of the reader's access lexemes)
# answered by the GIN index (FTS5 on SQLite), plus a column test on the rows it returns:
#     a flag grants the row (region share of a district school, public …)  OR  the model's own rule
#     holds it (correlated EXISTS, asked only of rows in the reader's own schools, rows without
#     a school and rows naming the reader — a few hundred for the broadest word).
# So a word found in 100,000 texts reads only the rows the reader may see, and counts stop at
# COUNT_CAP per category ("1000+"). A platform admin reads everything.

COUNT_CAP = 1000

Expr = str | tuple  # a lexeme, or ("and" | "or", [Expr, …])


def _words_expr(q: Query) -> Expr | None:
    if not q.terms:
        return None
    groups: list[Expr] = []
    for t in q.terms:
        groups.append(("or", [t, ("and", list(q.parts[t]))]) if t in q.parts else t)
    return ("and", groups)


def _render(e: Expr, vendor: str) -> str:
    if isinstance(e, str):
        if vendor == "postgresql":
            return "'" + e.replace("'", "''").replace("\\", "\\\\") + "'"
        return '"' + e.replace('"', '""') + '"'
    op, items = e
    sep = {("and", "postgresql"): " & ", ("or", "postgresql"): " | "}.get((op, vendor), f" {op.upper()} ")
    inner = [_render(i, vendor) for i in items]
    return inner[0] if len(inner) == 1 else "(" + sep.join(inner) + ")"


def _fulltext(qs: models.QuerySet, e: Expr, *, drive: bool = True) -> models.QuerySet:
    """Rows whose words and lexemes satisfy `e`. `drive=False` (PostgreSQL): test it on rows read
    in another order (the newest-first index) instead of starting from the GIN index."""
    vendor = connection.vendor
    if vendor == "postgresql":
        sql = '"resources_searchentry"."tsv" @@ %s::tsquery'
        if not drive:
            sql = f"({sql}) IS TRUE"
        return qs.filter(RawSQL(sql, [_render(e, vendor)], output_field=BooleanField()))
    fts = "SELECT rowid FROM resources_searchentry_fts WHERE resources_searchentry_fts MATCH %s"
    return qs.filter(id__in=RawSQL(fts, [_render(e, "sqlite")]))


@dataclass
class Door:
    """What a reader may see of the index: `lexemes` (one of them on a row, or it is out),
    then `condition` (flags, or the model's rule). `everything`: a platform admin."""

    everything: bool = False
    lexemes: list[str] = field(default_factory=list)
    condition: Q | None = None

    def expr(self) -> Expr:
        return ("or", self.lexemes)


def _alliances(scope: Scope) -> tuple[list[int], list[int]]:
    """The alliances of the teacher's school and their schools (区域共享 resources reach them): one query."""
    cached = getattr(scope, "_search_alliance", None)
    if cached is None:
        from xiaoben.org.models import School

        through = School.alliances.through
        mine = through.objects.filter(school_id=scope.teacher.school_id).values("region_id")
        rows = list(through.objects.filter(region_id__in=mine).values_list("region_id", "school_id"))
        cached = (sorted({r for r, _ in rows}), sorted({s for _, s in rows}))
        scope._search_alliance = cached  # type: ignore[attr-defined]
    return cached


def _linked_by_id(scope: Scope) -> list[str]:
    """Lexemes of records the reader is linked to in other tables (Access.by_id), outside their
    own school: the activities of other schools they signed up for."""
    cached = getattr(scope, "_search_linked", None)
    if cached is None:
        cached = []
        for ix in indexers():
            if ix.linked_ids is not None:
                cached += [f"{ACL}o{ix.category}{pk}" for pk in ix.linked_ids(scope)]
        scope._search_linked = cached  # type: ignore[attr-defined]
    return cached


def door(scope: Scope) -> Door:
    if not scope.is_authenticated:
        return Door(lexemes=[f"{ACL}pub"], condition=Q(shared_public=True))
    if scope.is_platform_admin:
        return Door(everything=True)
    from xiaoben.core.tenancy import visible_to

    lex = [f"{ACL}pub", f"{ACL}n", f"{ACL}any", f"{ACL}u{scope.user_id}"]
    lex += [f"{ACL}s{s}" for s in sorted(scope.member_school_ids)]
    grant = Q(shared_public=True)
    if scope.teacher_id:
        lex += [f"{ACL}a{scope.teacher_id}", f"{ACL}t{scope.teacher_id}"]
        district = sorted(scope.home_region_school_ids)
        lex.append(f"{ACL}rd{scope.teacher.school.region_id}")
        grant |= Q(shared_district=True, school_id__in=district)
        alliance_ids, allied = _alliances(scope)
        if allied:
            lex += [f"{ACL}ra{r}" for r in alliance_ids]
            grant |= Q(shared_alliance=True, school_id__in=allied)
        lex += _linked_by_id(scope)
    if scope.region_school_ids:
        lex += [f"{ACL}rs{r}" for r in sorted(scope.region_ids)]
        grant |= Q(region_staff=True, school_id__in=sorted(scope.region_school_ids))
    rule = Q(pk__in=[])
    for ix in indexers():
        ct = ContentType.objects.get_for_model(ix.model)
        # A correlated EXISTS (one primary-key lookup per row asked), never `object_id IN (every
        # visible record)`; the flags answered first, so only the unusual rows get here.
        # `pk >= object_id` beside `pk = object_id` keeps PostgreSQL from turning it into a hashed
        # subplan, which builds the model's whole visible set (43k writings) before the first row.
        visible = visible_to(scope, ix.model).filter(pk=OuterRef("object_id"), pk__gte=OuterRef("object_id"))
        rule |= Q(content_type_id=ct.pk) & Q(Exists(visible))
    return Door(lexemes=list(dict.fromkeys(lex)), condition=grant | rule)


def _through(d: Door, qs: models.QuerySet, words: Expr | None, *, extra: Expr | None = None, drive: bool = True) -> models.QuerySet:
    parts: list[Expr] = [p for p in (words, extra) if p is not None]
    if not d.everything:
        parts.append(d.expr())
    if parts:
        qs = _fulltext(qs, ("and", parts), drive=drive)
    if d.condition is not None:
        qs = qs.filter(d.condition)
    return qs


def visible_entries(scope: Scope, qs: models.QuerySet) -> models.QuerySet:
    """Entries whose record the person may read (the scope rule of SearchEntry)."""
    return _through(door(scope), qs, None)


def matching(qs: models.QuerySet, q: Query) -> models.QuerySet:
    """Narrow SearchEntry rows to those matching every word (no door: callers add it)."""
    e = _words_expr(q)
    return _fulltext(qs, e) if e is not None else qs.none()


@dataclass
class Filters:
    category: str = ""
    kind: str = ""
    subject: str = ""
    grade: int | None = None
    edition: str = ""
    school_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def apply(self, qs: models.QuerySet) -> models.QuerySet:
        f = self
        if f.kind:
            qs = qs.filter(kind=f.kind)
        if f.subject:
            qs = qs.filter(subject=f.subject)
        if f.grade:
            qs = qs.filter(grade=f.grade)
        if f.edition:
            qs = qs.filter(edition=f.edition)
        if f.school_id:
            qs = qs.filter(school_id=f.school_id)
        if f.since:
            qs = qs.filter(day__gte=f.since)
        if f.until:
            qs = qs.filter(day__lte=f.until)
        return qs


@dataclass
class Result:
    entry: SearchEntry
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class Page:
    query: Query
    results: list[Result]
    total: int  # at most COUNT_CAP + 1 per category: see `more`
    facets: dict[str, list[tuple[str, str, str]]]  # (category, label, count as shown: "12", "1000+")
    people: list = field(default_factory=list)
    more: bool = False  # more than COUNT_CAP: `total` is a floor, results are newest first
    broad: bool = False

    @property
    def total_display(self) -> str:
        return f"{COUNT_CAP}+" if self.more else str(self.total)


def _shown(n: int) -> str:
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def base_queryset(user_or_scope) -> models.QuerySet:
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    return visible_entries(scope, SearchEntry.objects.all())


def _people(scope: Scope, text: str) -> list:
    """Pinyin initials (“zxm”) or a name: colleagues the person may see (their own school;
    a 教研员's region) — the same lookup the observation form uses."""
    from xiaoben.core.tenancy import visible_to
    from xiaoben.org.models import Teacher

    if not scope.is_authenticated or not text:
        return []
    t = text.strip().lower()
    if INITIALS_RE.match(t):
        cond = Q(name_initials__istartswith=t)
    elif 2 <= len(t) <= 4 and all("\u4e00" <= c <= "\u9fff" for c in t):
        cond = Q(name=t)
    else:
        return []
    return list(visible_to(scope, Teacher).filter(cond, is_active=True).select_related("school").order_by("name_initials")[:8])


def _capped_counts(d: Door, qs: models.QuerySet, words: Expr, cats: list[str]) -> dict[str, int]:
    """Per category, the number of readable matches, counting at most COUNT_CAP + 1 of each
    (one SQL statement: a LIMITed subquery per category, each driven by the index)."""
    selects, params = [], []
    for c in cats:
        inner = _through(d, qs, words, extra=f"{ACL}c{c}").values("id")[: COUNT_CAP + 1]
        sql, ps = inner.query.sql_with_params()
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS c{len(selects)})")
        params += ps
    if not selects:
        return {}
    with connection.cursor() as cur:
        cur.execute("SELECT " + ", ".join(selects), params)
        row = cur.fetchone()
    return {c: n for c, n in zip(cats, row, strict=True) if n}


def search(user_or_scope, text: str, filters: Filters | None = None, *, offset: int = 0, limit: int = 20) -> Page:
    """Search what the person may read. A fixed number of queries whatever the data:
    (people lookup) + (the reader's links: alliance schools, sign-ins elsewhere, once per scope)
    + capped counts per category + one page of rows."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    f = filters or Filters()
    q = parse_query(text)
    people = _people(scope, q.text)
    words = _words_expr(q)
    if people:  # a colleague's name or initials: also what they wrote (the author lexeme)
        authored: list[Expr] = [f"{ACL}a{p.pk}" for p in people]
        words = ("or", ([words] if words is not None else []) + authored)
    if words is None:
        return Page(query=q, results=[], total=0, facets={"category": []}, people=people)
    d = door(scope)
    qs = f.apply(SearchEntry.objects.all())
    labels = dict(categories())
    counts = _capped_counts(d, qs, words, [c for c, _ in categories()])
    facets = {"category": [(c, labels[c], _shown(n)) for c, n in counts.items()]}
    shown = {f.category: counts.get(f.category, 0)} if f.category else counts
    more = any(n > COUNT_CAP for n in shown.values())
    total = sum(min(n, COUNT_CAP) for n in shown.values()) + (1 if more else 0)
    extra = f"{ACL}c{f.category}" if f.category else None
    newest = (F("day").desc(nulls_last=True), F("id").desc())
    if more:
        # A broad word: newest first along the (day, id) index, each row tested as it is read,
        # so a page reads a few hundred rows instead of ranking every match.
        page_qs = _through(d, qs, words, extra=extra, drive=False).order_by(*newest)
    else:
        first = q.terms[0] if q.terms else ""
        page_qs = (
            _through(d, qs, words, extra=extra)
            .annotate(
                title_hit=Case(When(title__contains=first, then=Value(1)), default=Value(0), output_field=IntegerField()),
                is_resource=Case(When(category="resource", then=Value(1)), default=Value(0), output_field=IntegerField()),
            )
            .order_by("-title_hit", "-is_resource", *newest)
        )
    rows = list(page_qs.select_related("school")[offset : offset + limit])
    results = [Result(entry=e, title_html=highlight(e.title, q), snippet_html=snippet(e.body or e.tags, q)) for e in rows]
    return Page(query=q, results=results, total=total, facets=facets, people=people, more=more, broad=more)


def suggest(user_or_scope, text: str, limit: int = 8) -> list[str]:
    """Title suggestions for the search box (through the same door)."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    words = _words_expr(parse_query(text))
    if words is None:
        return []
    qs = _through(door(scope), SearchEntry.objects.all(), words)
    return list(dict.fromkeys(qs.order_by(F("day").desc(nulls_last=True), "-id").values_list("title", flat=True)[: limit * 2]))[:limit]


def highlight(text: str, q: Query) -> SafeString:
    """Escape, then wrap every query word in <mark>."""
    words = [w for w in q.words if w]
    if not words or not text:
        return mark_safe(escape(text or ""))
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(text):
        out.append(escape(text[pos : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(escape(text[pos:]))
    return mark_safe("".join(out))


def snippet(text: str, q: Query, before: int = 30, length: int = 120) -> SafeString:
    text = re.sub(r"\s+", " ", text or "").strip()
    lower = text.lower()
    hits = [i for i in (lower.find(w) for w in q.words) if i >= 0]
    start = max(0, min(hits) - before) if hits else 0
    piece = text[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(text) else ""
    return mark_safe(escape(prefix) + highlight(piece, q) + escape(suffix))
