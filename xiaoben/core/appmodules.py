"""Each app declares what it adds in a module of a known name (`exports.py`, `metrics.py`,
`summary.py`, `bench.py` …); importing the module registers it. One loop finds them all."""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

from django.apps import apps


def app_modules(name: str) -> list[ModuleType]:
    """`<app>.<name>` of every Xiaoben app that has one, in INSTALLED_APPS order."""
    found = []
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("xiaoben."):
            try:
                found.append(import_module(f"{cfg.name}.{name}"))
            except ModuleNotFoundError as e:
                if e.name != f"{cfg.name}.{name}":
                    raise
    return found
