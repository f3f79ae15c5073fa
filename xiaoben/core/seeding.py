"""Demo data orchestration. `org` builds places and people (from the cast in `org/personas.py`);
every other app may add its records in `<app>/seed.py`:

    AFTER = ("activities",)          # the apps whose records this seed reads (may be empty)

    def seed(ctx: SeedContext) -> None: ...

`seed_providers()` runs them in an order that respects every `AFTER` (ties keep INSTALLED_APPS
order, so the demo stays deterministic) and fails loudly on a cycle or an unknown name."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING

from django.apps import apps
from django.db import transaction

if TYPE_CHECKING:
    from xiaoben.core.models import User
    from xiaoben.org.models import Region, School, Teacher, Term

DEMO_PASSWORD = "xiaoben123"

SeedFn = Callable[["SeedContext"], None]


@dataclass
class SeedContext:
    today: dt.date
    rng: random.Random
    region: Region | None = None  # the district
    schools: list[School] = field(default_factory=list)
    terms: dict[int, Term] = field(default_factory=dict)  # school_id -> current Term
    previous_terms: dict[int, Term | None] = field(default_factory=dict)  # school_id -> the term before
    teachers: dict[int, list[Teacher]] = field(default_factory=dict)  # school_id -> [Teacher]
    # persona key (org/personas.py CAST: "principal", "dean", "leader", "mentor", "teacher", …) -> User
    personas: dict[str, User] = field(default_factory=dict)
    password_hash: str = ""


class SeedOrderError(RuntimeError):
    """A seed names an app that has no seed, or the AFTER declarations form a cycle."""


def seed_order(after: Mapping[str, Sequence[str]]) -> list[str]:
    """Topological order of `after` (label -> labels it must come after). Among the seeds that
    are ready, the one listed first in `after` goes first, so the order is stable."""
    position = {label: i for i, label in enumerate(after)}
    for label, deps in after.items():
        unknown = [d for d in deps if d not in position]
        if unknown:
            raise SeedOrderError(f"{label}/seed.py: AFTER names {', '.join(unknown)}, which has no seed")
    done: list[str] = []
    waiting = dict(after)
    while waiting:
        ready = [label for label, deps in waiting.items() if all(d in done for d in deps)]
        if not ready:
            cycle = ", ".join(f"{label} after {'/'.join(deps)}" for label, deps in waiting.items())
            raise SeedOrderError(f"seed order has a cycle: {cycle}")
        first = min(ready, key=position.__getitem__)
        done.append(first)
        del waiting[first]
    return done


def seed_modules() -> dict[str, ModuleType]:
    """label -> the app's `seed` module, in INSTALLED_APPS order (core and org seed separately)."""
    found: dict[str, ModuleType] = {}
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("xiaoben.") and cfg.name not in ("xiaoben.core", "xiaoben.org"):
            try:
                found[cfg.label] = import_module(f"{cfg.name}.seed")
            except ModuleNotFoundError as e:
                if e.name != f"{cfg.name}.seed":
                    raise
    return found


def seed_providers() -> Iterator[tuple[str, SeedFn]]:
    modules = seed_modules()
    after = {label: tuple(getattr(mod, "AFTER", ())) for label, mod in modules.items()}
    for label in seed_order(after):
        fn: SeedFn = modules[label].seed
        yield label, fn


@contextmanager
def without_notices(*modules: str) -> Iterator[None]:
    """A seed replays past events through the services; what those services send after commit
    (the notices of each move, in lambdas defined in `modules`, e.g. "xiaoben.research") is
    history, not news, and is dropped: the demo's bells hold the notices the seeds choose. Other
    work queued for the commit (search index, jobs) is kept."""
    connection = transaction.get_connection()
    start = len(connection.run_on_commit)
    try:
        yield
    finally:
        queued = connection.run_on_commit[start:]
        connection.run_on_commit[start:] = [cb for cb in queued if not getattr(cb[1], "__module__", "").startswith(modules)]
