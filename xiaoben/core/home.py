"""Home page cards: each app may add cards in `<app>/home.py`:

    def cards(request, scope, term) -> list[HomeCard]: ...

so a teacher's home shows their to-dos and progress as features land."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


@dataclass
class HomeCard:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
    wide: bool = False


def _providers():
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("xiaoben.") and cfg.name != "xiaoben.core":
            try:
                mod = import_module(f"{cfg.name}.home")
            except ModuleNotFoundError as e:
                if e.name != f"{cfg.name}.home":
                    raise
                continue
            if hasattr(mod, "cards"):
                yield mod.cards


def cards_for(request, scope, term) -> list[HomeCard]:
    out: list[HomeCard] = []
    for provider in _providers():
        out.extend(provider(request, scope, term) or [])
    return sorted(out, key=lambda c: c.order)
