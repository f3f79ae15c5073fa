"""The one door: every queryset a view or API returns starts from `visible_to`.

Each app registers, in its `scopes.py`, one rule per model: a function
`(scope, queryset) -> queryset` that narrows the rows to what the person may
read. A model without a rule is visible to nobody but platform admins, so a
forgotten rule fails closed.

    from xiaoben.core.tenancy import visible_to, get_object_for_user
    visible_to(request.user, Observation)
    get_object_for_user(request.user, Observation, pk=pk)   # 404 when out of reach
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from .scope import Scope, scope_for

M = TypeVar("M", bound=models.Model)
Rule = Callable[[Scope, models.QuerySet], models.QuerySet]

_RULES: dict[type[models.Model], Rule] = {}


def scope_rule(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register the visibility rule of `model` (used in each app's scopes.py)."""

    def register(fn: Rule) -> Rule:
        _RULES[model] = fn
        return fn

    return register


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


def visible_to(user, model: type[M], queryset: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
    scope = user if isinstance(user, Scope) else scope_for(user)
    qs = queryset if queryset is not None else model._default_manager.all()
    if not scope.is_authenticated:
        return qs.none()
    if scope.is_platform_admin:
        return qs
    rule = _RULES.get(model)
    if rule is None:
        return qs.none()
    return rule(scope, qs)


def get_object_for_user(user, model: type[M], queryset: models.QuerySet[M] | None = None, **lookup) -> M:
    """The object if the user may see it; 404 otherwise (never 403: no leaking that it exists)."""
    try:
        return visible_to(user, model, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None
