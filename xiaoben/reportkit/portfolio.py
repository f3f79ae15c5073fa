"""Parts apps add to a teacher's 成长档案袋 (课题, 获奖…), from `<app>/portfolio.py`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xiaoben.core.appmodules import app_modules
from xiaoben.org.models import SchoolYear, Teacher, Term


@dataclass
class PortfolioPart:
    title: str
    header: list[str]
    rows: list[list[Any]] = field(default_factory=list)  # cells: text, numbers, dates
    note: str = ""


Part = Callable[[Teacher, SchoolYear, list[Term]], PortfolioPart | None]
_PARTS: list[Part] = []
_LOADED = False


def portfolio_part(fn: Part) -> Part:
    """Apps add parts to the portfolio (课题, 获奖…) from `<app>/portfolio.py`:
    `@portfolio_part def f(teacher, school_year, terms) -> PortfolioPart | None`."""
    _PARTS.append(fn)
    return fn


def _autodiscover() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    app_modules("portfolio")


def portfolio_parts() -> list[Part]:
    _autodiscover()
    return list(_PARTS)
