"""Rows changed without a model signal (`QuerySet.update`, `bulk_create`): the writer says so.

    from xiaoben.core.changes import rows_changed
    Writing.objects.filter(pk=w.pk).update(status=…)
    rows_changed(Writing, [w.pk])

Listeners (the requirements app's kept counts, the search index) treat it like a save of each row. Lower
layers (org) and higher ones alike may call it: it is a signal in core."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.dispatch import Signal

changed = Signal()  # sender: the model class; kwargs: pks


def rows_changed(model: type[models.Model], pks: Iterable[int | None]) -> None:
    pks = [pk for pk in pks if pk is not None]
    if pks:
        changed.send(sender=model, pks=pks)
