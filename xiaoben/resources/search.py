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
from django.db.models import BooleanField, Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe

from xiaoben.core.appmodules import app_modules
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


@dataclass
class Indexer:
    model: type[models.Model]
    category: str
    label: str
    document: Callable[[models.Model], Document | None]  # None: not searchable (removed)
    queryset: Callable[[], models.QuerySet]
    # Changes to these models re-index the record they belong to: (model, obj -> record or None)
    watch: list[tuple[type[models.Model], Callable[[models.Model], models.Model | None]]] = field(default_factory=list)


_INDEXERS: dict[str, Indexer] = {}
_BY_MODEL: dict[type[models.Model], Indexer] = {}


def register_indexer(ix: Indexer) -> Indexer:
    _INDEXERS[ix.category] = ix
    _BY_MODEL[ix.model] = ix
    post_save.connect(_on_save, sender=ix.model, dispatch_uid=f"search-{ix.category}")
    post_delete.connect(_on_delete, sender=ix.model, dispatch_uid=f"search-del-{ix.category}")
    for wmodel, to_record in ix.watch:

        def handler(sender, instance, _to=to_record, **kw):
            rec = _to(instance)
            if rec is not None:
                _schedule(type(rec), rec.pk)

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
    return t if t and WORD_RE.search(t) and "'" not in t and "\\" not in t else ""


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


def _fts5_expression(q: Query) -> str:
    def quote(w: str) -> str:
        return '"' + w.replace('"', '""') + '"'

    groups = []
    for t in q.terms:
        alt = quote(t)
        if t in q.parts:
            alt = f"({alt} OR ({' AND '.join(quote(p) for p in q.parts[t])}))"
        groups.append(alt)
    return " AND ".join(groups)


def _tsquery_expression(q: Query) -> str:
    def quote(w: str) -> str:
        return "'" + w.replace("'", "''").replace("\\", "\\\\") + "'"

    groups = []
    for t in q.terms:
        alt = quote(t)
        if t in q.parts:
            alt = f"({alt} | ({' & '.join(quote(p) for p in q.parts[t])}))"
        groups.append(alt)
    return " & ".join(groups)


def matching(qs: models.QuerySet, q: Query) -> models.QuerySet:
    """Narrow SearchEntry rows to those matching every word (one subquery, no extra round trip)."""
    if not q.terms:
        return qs.none()
    if connection.vendor == "postgresql":
        # On the outer rows themselves, so the GIN index drives the query and the door
        # (visible_entries) is asked only about the matching rows (see docs/bench.md).
        return qs.filter(RawSQL('"resources_searchentry"."tsv" @@ %s::tsquery', [_tsquery_expression(q)], output_field=BooleanField()))
    sql = "SELECT rowid FROM resources_searchentry_fts WHERE resources_searchentry_fts MATCH %s"
    return qs.filter(id__in=RawSQL(sql, [_fts5_expression(q)]))


# ---- indexing ----------------------------------------------------------------------


_local = threading.local()


def _schedule(model, pk) -> None:
    """Re-index after the commit, once per record however often it was saved in the transaction."""
    pending = getattr(_local, "pending", None)
    if pending is None:
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
    _schedule(sender, instance.pk)


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


def _entry(ix: Indexer, ct: ContentType, obj, doc: Document) -> SearchEntry:
    body = strip_tags(doc.body or "")
    return SearchEntry(
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
    rows = []
    for obj in objs:
        doc = ix.document(obj)
        if doc is not None:
            rows.append(_entry(ix, ct, obj, doc))
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


# ---- reading -----------------------------------------------------------------------


def visible_entries(scope: Scope, qs: models.QuerySet) -> models.QuerySet:
    """Entries whose record the person may read: each registered model's own rule, as one
    OR of subqueries (no id lists pulled into Python)."""
    from xiaoben.core.tenancy import visible_to

    cond = Q(pk__in=[])
    for ix in indexers():
        ct = ContentType.objects.get_for_model(ix.model)
        # A correlated EXISTS (one primary-key lookup per candidate row), not `object_id IN
        # (every visible record)`: PostgreSQL would build each model's whole visible set first
        # (the region's shared writings: 30k+ rows) whatever the query matched.
        visible = visible_to(scope, ix.model).filter(pk=OuterRef("object_id"))
        cond |= Q(content_type_id=ct.pk) & Q(Exists(visible))
    return qs.filter(cond)


def _public_entries(qs: models.QuerySet) -> models.QuerySet:
    from .models import Resource
    from .selectors import public_resources

    ct = ContentType.objects.get_for_model(Resource)
    return qs.filter(content_type_id=ct.pk, object_id__in=public_resources().values("pk"))


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


@dataclass
class Result:
    entry: SearchEntry
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class Page:
    query: Query
    results: list[Result]
    total: int
    facets: dict[str, list[tuple[str, str, int]]]
    people: list = field(default_factory=list)


def base_queryset(user_or_scope) -> models.QuerySet:
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    qs = SearchEntry.objects.all()
    if not scope.is_authenticated:
        return _public_entries(qs)
    if scope.is_platform_admin:
        return qs
    return visible_entries(scope, qs)


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


def search(user_or_scope, text: str, filters: Filters | None = None, *, offset: int = 0, limit: int = 20) -> Page:
    """Search what the person may read. A fixed number of queries whatever the data:
    (people lookup) + facet counts + total + one page of rows."""
    scope = user_or_scope if isinstance(user_or_scope, Scope) else scope_for(user_or_scope)
    f = filters or Filters()
    q = parse_query(text)
    qs = base_queryset(scope)
    people = _people(scope, q.text)
    if people:
        qs = qs.filter(Q(id__in=matching(SearchEntry.objects.all(), q).values("id")) | Q(author_id__in=[p.pk for p in people]))
    else:
        qs = matching(qs, q)
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
    facet_qs = qs
    if f.category:
        qs = qs.filter(category=f.category)
    facets: dict[str, list[tuple[str, str, int]]] = {"category": []}
    labels = dict(categories())
    for row in facet_qs.values("category").annotate(n=Count("id")).order_by("category"):
        facets["category"].append((row["category"], labels.get(row["category"], row["category"]), row["n"]))
    total = sum(n for c, _, n in facets["category"] if not f.category or c == f.category)
    first = q.terms[0] if q.terms else ""
    rows = list(
        qs.select_related("school")
        .annotate(
            title_hit=Case(When(title__contains=first, then=Value(1)), default=Value(0), output_field=IntegerField()),
            is_resource=Case(When(category="resource", then=Value(1)), default=Value(0), output_field=IntegerField()),
        )
        .order_by("-title_hit", "-is_resource", "-day", "-id")[offset : offset + limit]
    )
    results = [Result(entry=e, title_html=highlight(e.title, q), snippet_html=snippet(e.body or e.tags, q)) for e in rows]
    return Page(query=q, results=results, total=total, facets=facets, people=people)


def suggest(user_or_scope, text: str, limit: int = 8) -> list[str]:
    """Title suggestions for the search box (through the same door)."""
    q = parse_query(text)
    if not q.terms:
        return []
    qs = matching(base_queryset(user_or_scope), q)
    return list(dict.fromkeys(qs.order_by("-day", "-id").values_list("title", flat=True)[: limit * 2]))[:limit]


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
