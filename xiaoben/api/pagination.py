"""The one pagination of the API: `@paginate(PageNumberPagination, page_size=N)` over a queryset,
or over a `LazyPage` when rows need more than their schema (a per-row rule, a page-wide count)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import QuerySet


class LazyPage:
    """Hand a queryset to ninja's @paginate: the page is sliced in SQL first, then `batch` (one
    call for the page's rows, e.g. progress counted in a fixed number of queries) and `out` (per
    row, e.g. hiding personal data) run on the rows shown only."""

    def __init__(
        self,
        qs: QuerySet[Any],
        out: Callable[[Any], Any] | None = None,
        *,
        batch: Callable[[list[Any]], Iterable[Any]] | None = None,
    ) -> None:
        self.qs, self.out, self.batch = qs, out, batch

    def __len__(self) -> int:
        return self.qs.count()

    def count(self) -> int:
        return self.qs.count()

    def __getitem__(self, item: slice) -> list[Any]:
        rows = list(self.qs[item])
        if self.batch is not None:
            rows = list(self.batch(rows))
        return [self.out(x) for x in rows] if self.out is not None else rows

    def all(self) -> LazyPage:
        return self
