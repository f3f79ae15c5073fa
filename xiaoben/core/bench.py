"""`make bench`: each figure timed through the real URL stack beside its floor (SPEC §7).

Each app registers its figures in `<app>/bench.py`:

    from xiaoben.core.bench import figure

    figure(
        key="writings.list",
        label="共享文章列表（教师）",
        persona="teacher",                            # a BenchEnv persona
        url=lambda env: reverse("writings:list") + "?tab=shared",
        floor=lambda env: (SQL, [params]),             # raw SQL computing the same numbers
        target_ms=None,                                # an absolute p95 bar (SPEC §7), if any
    )

A figure may instead give `run=lambda env, client: ...` (a service call, a POST that is
rolled back) and then it is timed as it is. Every figure is also held to 2× its floor.
The runner (`run_figures`) is used by `manage.py bench_run`; `manage.py bench` builds the
data sets, runs two sizes and writes docs/bench.md.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from .appmodules import app_modules

MAX_FLOOR_RATIO = 2.0


@dataclass
class Figure:
    key: str
    label: str
    persona: str
    url: Callable | None = None
    floor: Callable | None = None
    target_ms: float | None = None
    run: Callable | None = None
    method: str = "GET"
    data: Callable | None = None
    rollback: bool = False  # a write: each repetition is rolled back
    repeat: int | None = None  # fewer repetitions for slow figures


@dataclass
class BenchEnv:
    """Who the personas are and what they look at, in the data set under test."""

    users: dict  # persona -> User
    school: object  # the large school (the grid, the roster import)
    term: object
    extra: dict = field(default_factory=dict)

    def teacher(self, persona: str = "teacher"):
        return self.users[persona].teacher


_FIGURES: dict[str, Figure] = {}


def figure(**kw) -> Figure:
    f = Figure(**kw)
    _FIGURES[f.key] = f
    return f


def figures() -> list[Figure]:
    app_modules("bench")
    return list(_FIGURES.values())


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    if not s:
        return 0.0
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


@dataclass
class Result:
    key: str
    label: str
    p50: float
    p95: float
    queries: int
    floor: float | None
    target_ms: float | None
    status: int = 200
    error: str = ""

    @property
    def ratio(self) -> float | None:
        return self.p50 / self.floor if self.floor else None

    @property
    def target_text(self) -> str:
        parts = [f"p95 ≤ {self.target_ms:g} ms"] if self.target_ms else []
        if self.floor:
            parts.append(f"≤ {MAX_FLOOR_RATIO:g}× floor")
        return ", ".join(parts) or "—"

    @property
    def met(self) -> bool:
        if self.error:
            return False
        ok = self.target_ms is None or self.p95 <= self.target_ms
        if self.floor:
            ok = ok and self.p50 <= MAX_FLOOR_RATIO * self.floor
        return ok

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("key", "label", "p50", "p95", "queries", "floor", "target_ms", "status", "error")}


def _client(env: BenchEnv, persona: str) -> Client:
    c = Client()
    c.force_login(env.users[persona])
    return c


def _once(fig: Figure, env: BenchEnv, client: Client):
    if fig.run is not None:
        return fig.run(env, client), 200
    url = fig.url(env)
    data = fig.data(env) if fig.data else None
    resp = client.post(url, data) if fig.method == "POST" else client.get(url, data or {})
    if hasattr(resp, "streaming_content"):
        b"".join(resp.streaming_content)
    return resp, resp.status_code


def _timed(fig: Figure, env: BenchEnv, client: Client) -> tuple[float, int]:
    if fig.rollback:
        with transaction.atomic():
            t0 = time.perf_counter()
            _, status = _once(fig, env, client)
            ms = (time.perf_counter() - t0) * 1000
            transaction.set_rollback(True)
        return ms, status
    t0 = time.perf_counter()
    _, status = _once(fig, env, client)
    return (time.perf_counter() - t0) * 1000, status


def time_floor(fig: Figure, env: BenchEnv, repeat: int) -> float | None:
    if fig.floor is None:
        return None
    queries = fig.floor(env)
    if isinstance(queries, tuple):
        queries = [queries]
    times = []
    with connection.cursor() as cur:
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            for sql, params in queries:
                cur.execute(sql, params)
                cur.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times[1:])  # the first run warms the cache, as a page's does


def run_figure(fig: Figure, env: BenchEnv, repeat: int = 15) -> Result:
    repeat = min(repeat, fig.repeat or repeat)
    client = _client(env, fig.persona)
    try:
        _timed(fig, env, client)  # warm up: templates, URL resolver, caches
        with CaptureQueriesContext(connection) as ctx:
            _, status = _timed(fig, env, client)
        queries = len(ctx.captured_queries)
        times = [_timed(fig, env, client)[0] for _ in range(repeat)]
    except Exception as e:  # a broken figure is reported, not fatal for the rest
        return Result(fig.key, fig.label, 0, 0, 0, None, fig.target_ms, 500, f"{type(e).__name__}: {e}"[:200])
    floor = time_floor(fig, env, repeat)
    return Result(
        fig.key,
        fig.label,
        statistics.median(times),
        percentile(times, 0.95),
        queries,
        floor,
        fig.target_ms,
        status,
        "" if status < 400 else f"HTTP {status}",
    )


def run_figures(env: BenchEnv, keys: list[str] | None = None, repeat: int = 15, log=None) -> list[Result]:
    out = []
    for fig in figures():
        if keys and fig.key not in keys:
            continue
        r = run_figure(fig, env, repeat)
        if log:
            log(format_row(r))
        out.append(r)
    return out


HEADER = "| figure | p50 ms | p95 ms | queries | floor ms | ratio | target | met |\n|---|---:|---:|---:|---:|---:|---|---|"


def format_row(r: Result) -> str:
    if r.error:
        return f"| {r.label} | — | — | — | — | — | {r.target_text} | ✗ {r.error} |"
    floor = f"{r.floor:.1f}" if r.floor else "—"
    ratio = f"{r.ratio:.1f}×" if r.ratio else "—"
    return f"| {r.label} | {r.p50:.0f} | {r.p95:.0f} | {r.queries} | {floor} | {ratio} | {r.target_text} | {'✓' if r.met else '✗'} |"


# --- the core's own figure -------------------------------------------------------


def _term_bounds(env: BenchEnv) -> list:
    return [env.term.start_date, env.term.end_date]


def _home_floor(env: BenchEnv):
    """The teacher's numbers on the home page: term counts per kind of record, 学时, the next activities."""
    t = env.teacher().pk
    s, e = _term_bounds(env)
    return [
        (
            "SELECT (SELECT COUNT(*) FROM observations_observation WHERE observer_id = %s AND status = 'submitted'"
            " AND deleted_at IS NULL AND lesson_date BETWEEN %s AND %s),"
            " (SELECT COUNT(*) FROM writings_writing WHERE author_id = %s AND status <> 'draft' AND deleted_at IS NULL"
            " AND written_on BETWEEN %s AND %s),"
            " (SELECT COUNT(*) FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id"
            " WHERE t.teacher_id = %s AND t.status = 'present' AND a.term_id = %s),"
            " (SELECT SUM(hours) FROM hours_hourentry WHERE teacher_id = %s AND deleted_at IS NULL AND date BETWEEN %s AND %s)",
            [t, s, e, t, s, e, t, env.term.pk, t, s, e],
        ),
        (
            "SELECT a.id, a.title, a.starts_at FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id"
            " WHERE t.teacher_id = %s AND a.starts_at >= %s ORDER BY a.starts_at LIMIT 5",
            [t, s],
        ),
    ]


figure(key="core.home", label="教师首页", persona="teacher", url=lambda env: "/", floor=_home_floor, target_ms=150)
