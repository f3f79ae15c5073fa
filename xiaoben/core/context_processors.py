from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .nav import items_for
from .scope import directory, scope_for


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page frame needs: who you are, your school and term, menu, unread count."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = scope_for(user)

    def _term() -> Any:  # an org Term (core does not import org)
        return directory().current_term(scope.school_id)

    def _unread() -> int:
        from .selectors import unread_count

        return unread_count(user)

    def _school() -> Any:
        return scope.teacher.school if scope.teacher else None

    return {
        "scope": scope,
        "nav_items": items_for(scope, request.path),
        "current_term": SimpleLazyObject(_term),
        "home_school": SimpleLazyObject(_school),
        "unread_count": SimpleLazyObject(_unread),
    }


def csp_nonce(request: HttpRequest) -> dict[str, str]:
    """`{{ csp_nonce }}` for every <script> tag: the Content-Security-Policy allows only scripts
    from our own origin and inline scripts carrying this request's nonce."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
