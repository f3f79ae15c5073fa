"""Home page cards: each app may add cards in `<app>/home.py`:

    def cards(request, scope, term) -> list[HomeCard]: ...

so a teacher's home shows their to-dos and progress as features land."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from .appmodules import app_modules

if TYPE_CHECKING:
    from .scope import Scope


@dataclass
class HomeCard:
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    order: int = 50
    wide: bool = False


Provider = Callable[[HttpRequest, "Scope", Any], "list[HomeCard] | None"]


def _providers() -> Iterator[Provider]:
    for mod in app_modules("home"):
        if hasattr(mod, "cards"):
            yield mod.cards


def cards_for(request: HttpRequest, scope: Scope, term: Any) -> list[HomeCard]:  # term: an org Term or None
    out: list[HomeCard] = []
    for provider in _providers():
        out.extend(provider(request, scope, term) or [])
    return sorted(out, key=lambda c: c.order)
