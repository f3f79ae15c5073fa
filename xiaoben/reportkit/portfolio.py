"""Parts apps add to a teacher's 成长档案袋 (课题, 获奖…), from `<app>/portfolio.py`."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps


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
    for cfg in apps.get_app_configs():
        if cfg.name.startswith("xiaoben.") and cfg.name != "xiaoben.reports":
            try:
                import_module(f"{cfg.name}.portfolio")
            except ModuleNotFoundError as e:
                if e.name != f"{cfg.name}.portfolio":
                    raise


def portfolio_parts() -> list:
    _autodiscover()
    return list(_PARTS)
