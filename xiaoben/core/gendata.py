"""Large, deterministic data sets for `manage.py gen_data` (SPEC §7).

Each app contributes its records in `<app>/gendata.py`:

    ORDER = 30                       # runs after lower numbers (org is 0)
    def generate(ctx: GenContext) -> None:
        rng = ctx.rng("writings")    # a stream of its own: adding an app changes nobody else's rows
        ctx.writer.insert(Writing, rows)   # rows are dicts keyed by field attname (ids from ctx.writer.ids)

`org` builds regions, schools, terms, teachers, groups and roles and fills `ctx.schools`;
later generators read it. Rows go in with COPY on PostgreSQL and `executemany` on SQLite,
bypassing services and signals (nothing is notified, no history rows): a generator writes
exactly the rows the services would have left behind, including derived ones (学时 for
attendance, counts a service keeps).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

SCALES = {"school": 1, "district": 200, "province": 2000}
TEACHERS_PER_SCHOOL = 60  # the mean; schools range from 20 to 600
BIG_SCHOOL = 600  # the first school of every set has 600 teachers (the compliance-grid figure)


@dataclass
class GenTerm:
    id: int
    school_year_id: int
    start: dt.date
    end: dt.date


@dataclass
class GenGroup:
    id: int
    kind: str
    subject: str
    member_ids: list[int]
    leader_id: int
    weight: float  # how active the group is (some meet weekly, some hardly at all)


@dataclass
class GenSchool:
    id: int
    code: str
    region_id: int
    size: int
    weight: float
    stage: str = ""
    terms: list[GenTerm] = field(default_factory=list)
    year_ids: dict[int, int] = field(default_factory=dict)  # start_year -> SchoolYear id
    teacher_ids: list[int] = field(default_factory=list)
    user_ids: dict[int, int] = field(default_factory=dict)  # teacher id -> user id
    subjects: dict[int, str] = field(default_factory=dict)
    since: dict[int, dt.date] = field(default_factory=dict)  # teaching_since
    weights: dict[int, float] = field(default_factory=dict)  # prolific long tail
    groups: list[GenGroup] = field(default_factory=list)

    def term_on(self, day: dt.date) -> GenTerm | None:
        for t in self.terms:
            if t.start <= day <= t.end:
                return t
        return None


class Writer:
    """Inserts rows fast: COPY on PostgreSQL, executemany on SQLite. Allocates primary keys
    itself so generators can link rows without reading them back."""

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self._next: dict[type[models.Model], int] = {}
        self.counts: dict[str, int] = {}
        self._plans: dict[type[models.Model], tuple] = {}

    def ids(self, model: type[models.Model], n: int) -> range:
        if model not in self._next:
            top = model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0
            self._next[model] = top + 1
        start = self._next[model]
        self._next[model] += n
        return range(start, start + n)

    def _plan(self, model, with_pk: bool):
        if (model, with_pk) not in self._plans:
            now = timezone.now()
            cols, defaults, convs = [], [], []
            for f in model._meta.concrete_fields:
                if f.primary_key and not with_pk:
                    continue  # the database numbers the rows
                cols.append(f.column)
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    d = now
                elif f.has_default():
                    d = f.get_default()
                elif f.null:
                    d = None
                else:
                    d = "" if isinstance(f, models.CharField | models.TextField) else None
                defaults.append((f.attname, d))
                if isinstance(f, models.JSONField):
                    convs.append(lambda v: None if v is None else json.dumps(v, ensure_ascii=False))
                elif not self.pg:
                    convs.append(lambda v, f=f: f.get_db_prep_value(v, connection, prepared=False))
                else:
                    convs.append(None)
            self._plans[(model, with_pk)] = (cols, defaults, convs)
        return self._plans[(model, with_pk)]

    def insert(self, model: type[models.Model], rows: Iterable[dict]) -> int:
        rows = list(rows)
        if not rows:
            return 0
        cols, defaults, convs = self._plan(model, model._meta.pk.attname in rows[0])
        table = connection.ops.quote_name(model._meta.db_table)
        names = ", ".join(connection.ops.quote_name(c) for c in cols)

        def tuples():
            for row in rows:
                yield tuple(
                    (v if conv is None else conv(v)) for (att, d), conv in zip(defaults, convs, strict=True) for v in (row.get(att, d),)
                )

        n = 0
        with connection.cursor() as cur:
            if self.pg:
                with cur.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as cp:
                    for t in tuples():
                        cp.write_row(t)
                        n += 1
            else:
                marks = ", ".join(["%s"] * len(cols))
                batch = []
                for t in tuples():
                    batch.append(t)
                    if len(batch) >= 5000:
                        cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cur.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                    n += len(batch)
        self.counts[model._meta.label] = self.counts.get(model._meta.label, 0) + n
        return n

    def execute(self, sql: str, params: list | tuple = ()) -> int:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return cur.rowcount

    def finish(self) -> None:
        """Move PostgreSQL sequences past the ids we chose."""
        if not self.pg:
            return
        with connection.cursor() as cur:
            for model in self._next:
                table, pk = model._meta.db_table, model._meta.pk.column
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST((SELECT MAX({pk}) FROM {table}), 1))",
                    [table, pk],
                )


@dataclass
class GenContext:
    seed: int
    n_schools: int
    today: dt.date
    writer: Writer
    password_hash: str
    scale: str = "district"
    sizes: list[int] | None = None  # teachers per school (tests); default `school_sizes`
    region_ids: list[int] = field(default_factory=list)  # the districts
    schools: list[GenSchool] = field(default_factory=list)
    shared: dict = field(default_factory=dict)  # what one generator leaves for the next

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    @property
    def start(self) -> dt.date:
        """One school year of records: the 365 days up to today."""
        return self.today - dt.timedelta(days=364)

    def school_days(self, school: GenSchool) -> list[tuple[dt.date, GenTerm]]:
        """Weekdays inside a term in the last year (cached per term layout)."""
        key = ("days", tuple((t.start, t.end) for t in school.terms))
        cache = self.shared.setdefault("_days", {})
        if key not in cache:
            days = []
            d = self.start
            while d <= self.today:
                if d.weekday() < 5:
                    t = school.term_on(d)
                    if t is not None:
                        days.append((d, school.terms.index(t)))
                d += dt.timedelta(days=1)
            cache[key] = days
        return [(d, school.terms[i]) for d, i in cache[key]]


def school_sizes(n: int, rng: random.Random) -> list[int]:
    """Sizes from 20 to 600 teachers, mean 60, skewed (most schools small, a few large);
    the first is always a 600-teacher school."""
    if n == 1:
        return [BIG_SCHOOL]
    raw = [min(600, max(20, int(math.exp(rng.gauss(3.7, 0.55))))) for _ in range(n - 1)]
    want = TEACHERS_PER_SCHOOL * n - BIG_SCHOOL
    if want > 0 and sum(raw):
        f = want / sum(raw)
        raw = [min(600, max(20, round(s * f))) for s in raw]
    return [BIG_SCHOOL, *raw]


def weight(rng: random.Random, sigma: float = 0.7) -> float:
    """Lognormal activity (mean 1): most near the middle, a long tail of prolific ones."""
    return math.exp(rng.gauss(-sigma * sigma / 2, sigma))


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    threshold, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= threshold:
            return k
        k += 1


def generators() -> list[tuple[str, Callable[[GenContext], None]]]:
    found = []
    for pos, cfg in enumerate(apps.get_app_configs()):
        if not cfg.name.startswith("xiaoben.") or cfg.name == "xiaoben.core":
            continue
        try:
            mod = import_module(f"{cfg.name}.gendata")
        except ModuleNotFoundError as e:
            if e.name != f"{cfg.name}.gendata":
                raise
            continue
        found.append((getattr(mod, "ORDER", 50), pos, cfg.label, mod.generate))
    return [(label, fn) for _, _, label, fn in sorted(found)]


def marker_code(n_schools: int, seed: int) -> str:
    return f"GEN-{n_schools}-{seed}"


def generate(
    *, n_schools: int, seed: int = 1, today: dt.date | None = None, scale: str = "district", sizes: list[int] | None = None, log=print
) -> GenContext:
    from django.contrib.auth.hashers import make_password

    from .seeding import DEMO_PASSWORD

    ctx = GenContext(
        seed=seed,
        n_schools=n_schools,
        today=today or timezone.localdate(),
        writer=Writer(),
        password_hash=make_password(DEMO_PASSWORD),
        scale=scale,
        sizes=sizes,
    )
    for label, fn in generators():
        t0 = time.perf_counter()
        before = dict(ctx.writer.counts)
        fn(ctx)
        made = {k: v - before.get(k, 0) for k, v in ctx.writer.counts.items() if v != before.get(k, 0)}
        log(f"  {label:<14} {time.perf_counter() - t0:6.1f} s  " + ", ".join(f"{k.split('.')[-1]} {v:,}" for k, v in made.items()))
    ctx.writer.finish()
    return ctx


def analyze() -> None:
    """Fresh planner statistics: without them PostgreSQL plans a bulk-loaded table as empty
    (issue #13 measured 2.9 s instead of 17 ms per engine query before ANALYZE)."""
    with connection.cursor() as cur:
        # VACUUM also sets the visibility map, so counts can be answered from indexes alone.
        cur.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
