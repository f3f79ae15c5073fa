"""Demo data orchestration. `org` builds places and people; every other app may
add its records in `<app>/seed.py` with `def seed(ctx: SeedContext) -> None`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

DEMO_PASSWORD = "xiaoben123"


@dataclass
class SeedContext:
    today: dt.date
    rng: random.Random
    region: object = None  # the district
    schools: list = field(default_factory=list)
    terms: dict = field(default_factory=dict)  # school_id -> current Term
    previous_terms: dict = field(default_factory=dict)  # school_id -> the term before
    teachers: dict = field(default_factory=dict)  # school_id -> [Teacher]
    personas: dict = field(default_factory=dict)  # "principal", "dean", "leader", "teacher", "other_teacher", "researcher", "admin"
    password_hash: str = ""


def seed_providers():
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("xiaoben.") and cfg.name not in ("xiaoben.core", "xiaoben.org"):
            try:
                mod = import_module(f"{cfg.name}.seed")
            except ModuleNotFoundError as e:
                if e.name != f"{cfg.name}.seed":
                    raise
                continue
            yield cfg.label, mod.seed
