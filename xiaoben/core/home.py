"""Home page cards: each app may add cards in `<app>/home.py`:

    def cards(request, scope, term) -> list[HomeCard]: ...

so a teacher's home shows their to-dos and progress as features land."""

from __future__ import annotations

from dataclasses import dataclass, field

from .appmodules import app_modules


@dataclass
class HomeCard:
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
    wide: bool = False


def _providers():
    for mod in app_modules("home"):
        if hasattr(mod, "cards"):
            yield mod.cards


def cards_for(request, scope, term) -> list[HomeCard]:
    out: list[HomeCard] = []
    for provider in _providers():
        out.extend(provider(request, scope, term) or [])
    return sorted(out, key=lambda c: c.order)
