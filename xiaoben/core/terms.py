"""Closed terms (学期归档) are read-only: one check every write service calls.

    from xiaoben.core.terms import require_term_open
    require_term_open(obs.term)          # raises NotPermitted("…已归档…") when closed

The closure itself lives in the reports app (`reports.TermClosure`); core only reads it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps

from .errors import NotPermitted


def term_is_closed(term: Any) -> bool:  # a Term or its id (core does not import org)
    term_id = getattr(term, "pk", term)
    if term_id is None:
        return False
    TermClosure = apps.get_model("reports", "TermClosure")
    return bool(TermClosure.objects.filter(term_id=term_id, closed_at__isnull=False).exists())


def require_term_open(term: Any) -> None:
    """Refuse a write into a closed term, with the reason a person can act on."""
    if term is None:
        return
    if term_is_closed(term):
        if not hasattr(term, "name"):
            term = apps.get_model("org", "Term").objects.select_related("school_year").get(pk=term)
        name = term.name
        raise NotPermitted(f"{name}已归档，记录只读。如需修改，请学校管理员先重新开放该学期。")


def require_date_open(school_id: int, day: dt.date | None) -> None:
    """Refuse a write dated inside a closed term of the school (records without a term
    field: training claims by their end date, mentoring 月报表 by their month)."""
    if day is None or not school_id:
        return
    Term = apps.get_model("org", "Term")
    term = Term.objects.select_related("school_year").filter(school_id=school_id, start_date__lte=day, end_date__gte=day).first()
    require_term_open(term)


def require_school_year_open(school_year: Any) -> None:  # an org SchoolYear
    """A school year is closed once its last term is: a pair's year-end records stop there."""
    if school_year is None:
        return
    Term = apps.get_model("org", "Term")
    last = Term.objects.select_related("school_year").filter(school_year=school_year).order_by("-number").first()
    require_term_open(last)
