"""Test helpers shared by every app's tests. The persona world (schools, teachers, groups) is
`xiaoben.org.testing`: core sits below org in the layers."""

from __future__ import annotations

from typing import Any

from django.test import Client


def assert_queries(
    client: Client, url: str, *, budget: int, status: int = 200, method: str = "get", data: dict[str, Any] | None = None
) -> int:
    """The page answers `status` within an absolute budget of SQL queries; returns the count.

    Pair it with a second call after adding rows to show the count does not grow."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data) if data is not None else getattr(client, method)(url)
    assert response.status_code == status, f"{url} answered {response.status_code}, expected {status}"
    n = len(ctx.captured_queries)
    assert n <= budget, f"{url}: {n} queries, budget {budget}:\n" + "\n".join(q["sql"][:200] for q in ctx.captured_queries)
    return n
