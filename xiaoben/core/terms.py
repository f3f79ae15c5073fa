"""Closed terms (学期归档) are read-only: one check every write service calls.

    from xiaoben.core.terms import require_term_open
    require_term_open(obs.term)          # raises NotPermitted("…已归档…") when closed

The closure itself lives in the reports app (`reports.TermClosure`); core only reads it."""

from __future__ import annotations

from django.apps import apps

from .errors import NotPermitted


def term_is_closed(term) -> bool:
    term_id = getattr(term, "pk", term)
    if term_id is None:
        return False
    TermClosure = apps.get_model("reports", "TermClosure")
    return TermClosure.objects.filter(term_id=term_id, closed_at__isnull=False).exists()


def require_term_open(term) -> None:
    """Refuse a write into a closed term, with the reason a person can act on."""
    if term is None:
        return
    if term_is_closed(term):
        if not hasattr(term, "name"):
            term = apps.get_model("org", "Term").objects.select_related("school_year").get(pk=term)
        name = term.name
        raise NotPermitted(f"{name}已归档，记录只读。如需修改，请学校管理员先重新开放该学期。")
