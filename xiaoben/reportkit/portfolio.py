"""Parts apps add to a teacher's 成长档案袋 (课题, 获奖…), from `<app>/portfolio.py`."""

from __future__ import annotations

from dataclasses import dataclass, field

from xiaoben.core.appmodules import app_modules


@dataclass
class PortfolioPart:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    note: str = ""


_PARTS: list = []
_LOADED = False


def portfolio_part(fn):
    """Apps add parts to the portfolio (课题, 获奖…) from `<app>/portfolio.py`:
    `@portfolio_part def f(teacher, school_year, terms) -> PortfolioPart | None`."""
    _PARTS.append(fn)
    return fn


def _autodiscover():
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    app_modules("portfolio")


def portfolio_parts() -> list:
    _autodiscover()
    return list(_PARTS)
