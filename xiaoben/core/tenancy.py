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

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.http import Http404

from .scope import Scope, Viewer, scope_for

M = TypeVar("M", bound=models.Model)
Rule = Callable[[Scope, "models.QuerySet[Any]"], "models.QuerySet[Any]"]

_RULES: dict[type[models.Model], Rule] = {}


def scope_rule(model: type[models.Model]) -> Callable[[Rule], Rule]:
    """Register the visibility rule of `model` (used in each app's scopes.py)."""

    def register(fn: Rule) -> Rule:
        _RULES[model] = fn
        return fn

    return register


def registered_models() -> list[type[models.Model]]:
    return list(_RULES)


def visible_to(user: Viewer, model: type[M], queryset: models.QuerySet[M] | None = None) -> models.QuerySet[M]:
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


def get_object_for_user(user: Viewer, model: type[M], queryset: models.QuerySet[M] | None = None, **lookup: Any) -> M:
    """The object if the user may see it; 404 otherwise (never 403: no leaking that it exists)."""
    try:
        return visible_to(user, model, queryset).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- Records shown through another record -------------------------------------------------
#
# A writing's closest source, an observation's linked activity, a flag's similar record: the
# referring record being visible says nothing about the record it points at. Such a record is
# asked about again, through the door, at the moment it is shown: a source that was 区域共享
# yesterday and 仅自己 today, a draft, a deleted row, another school's record are not shown —
# the page says there is a record the viewer may not open.


@dataclass(frozen=True)
class Reference:
    """A record referenced from another: `obj` when the viewer may open it now, else None."""

    exists: bool
    obj: models.Model | None = None

    @property
    def hidden(self) -> bool:
        """There is a referenced record, but this viewer may not open it."""
        return self.exists and self.obj is None

    def __bool__(self) -> bool:
        return self.exists


NO_REFERENCE = Reference(exists=False)


def reference_for(user: Viewer, model: type[M], pk: int | None, queryset: models.QuerySet[M] | None = None) -> Reference:
    """The record `pk` of `model` as seen through another record (see the note above)."""
    if pk is None:
        return NO_REFERENCE
    obj = visible_to(user, model, queryset).filter(pk=pk).first()
    return Reference(exists=True, obj=obj)


def visible_ids(user: Viewer, model: type[models.Model], ids: Iterable[int | None]) -> set[int]:
    """Which of `ids` the viewer may open now (one query, for lists of referring rows)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(visible_to(user, model).filter(pk__in=ids).values_list("pk", flat=True))


def attach_references(user: Viewer, rows: list[Any], field: str) -> list[Any]:
    """For each row, `row.<field>_ref`: the Reference to the record `field` points at, as this
    viewer may see it now (one query for the whole list; the related row itself is the one
    already loaded with select_related)."""
    rows = list(rows)
    if not rows:
        return rows
    model = rows[0]._meta.get_field(field).related_model
    attname = rows[0]._meta.get_field(field).attname
    allowed = visible_ids(user, model, [getattr(r, attname) for r in rows])
    for r in rows:
        pk = getattr(r, attname)
        obj = getattr(r, field) if pk in allowed else None
        setattr(r, f"{field}_ref", Reference(exists=pk is not None, obj=obj))
    return rows


@dataclass(frozen=True)
class ReferenceField:
    """A foreign key whose target is shown on the referring record's pages (walked by the tenancy walk)."""

    model: type[models.Model]
    field: str
    marker_field: str  # a text field of the target that its page shows when the target is visible
    pages: Callable[[models.Model], list[str]]  # the URLs of the referring record that show the target


_REFERENCES: list[ReferenceField] = []


def shown_reference(
    model: type[models.Model], field: str, *, marker_field: str, pages: Callable[[models.Model], list[str]] | None = None
) -> None:
    """Declare (in the app's scopes.py) that `model.field`'s target is shown on `model`'s pages;
    those pages must ask the door about it again (`reference_for` / `attach_references`)."""
    _REFERENCES.append(ReferenceField(model, field, marker_field, pages or (lambda obj: [obj.get_absolute_url()])))  # type: ignore[attr-defined]


def shown_references() -> list[ReferenceField]:
    return list(_REFERENCES)
