"""Bench figures of the resources app: Chinese full-text search on the district data set
(SPEC §2.5: p95 ≤ 300 ms on PostgreSQL). The page runs the whole service — jieba on the query,
the door (every indexed model's own rule), facet counts, total and one page of results.

The floor is the index alone: the matching entries of the persona's schools counted by
category and the newest 20 of them, read through the GIN index (PostgreSQL) or FTS5 (SQLite)."""

from urllib.parse import urlencode

from django.db import connection
from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure

from .search import _render, _words_expr, parse_query


def _match(text: str) -> tuple[str, list]:
    q = parse_query(text)
    if connection.vendor == "postgresql":
        return "tsv @@ %s::tsquery", [_render(_words_expr(q), "postgresql")]
    return "id IN (SELECT rowid FROM resources_searchentry_fts WHERE resources_searchentry_fts MATCH %s)", [
        _render(_words_expr(q), "sqlite")
    ]


def _floor(text: str, schools_sql: str, params):
    def make(env: BenchEnv):
        match, mp = _match(text)
        ps = params(env)
        where = f"{match} AND school_id IN ({schools_sql})"
        return [
            (f"SELECT category, COUNT(*) FROM resources_searchentry WHERE {where} GROUP BY category", [*mp, *ps]),
            (f"SELECT id, title, body FROM resources_searchentry WHERE {where} ORDER BY day DESC, id DESC LIMIT 20", [*mp, *ps]),
        ]

    return make


REGION_SCHOOLS = "SELECT id FROM org_school WHERE region_id = %s"


def _url(text: str):
    return lambda env: reverse("resources:search") + "?" + urlencode({"q": text})


figure(
    key="resources.search_region",
    label="全文检索“分数的初步认识”（教研员，全区）",
    persona="researcher",
    url=_url("分数的初步认识"),
    floor=_floor("分数的初步认识", REGION_SCHOOLS, lambda env: [env.school.region_id]),
    target_ms=300,
)

figure(
    key="resources.search_teacher",
    label="全文检索“集体备课”（教师，本校与区域共享）",
    persona="teacher",
    url=_url("集体备课"),
    floor=_floor("集体备课", REGION_SCHOOLS, lambda env: [env.school.region_id]),
    target_ms=300,
)
