"""Read replica for dashboards and reports (SPEC §7, the path past one machine).

With `DATABASE_REPLICA_URL` set, code inside `replica_reads()` (the compliance grid, the
region comparison, report builders) reads from the `replica` alias; everything else —
and every write — uses the primary. A replica that does not answer is skipped for
`REPLICA_RETRY_SECONDS` and the reads fall back to the primary, so a lost replica slows
dashboards down instead of breaking them. Inside a transaction on the primary, reads stay
on the primary (read-your-writes).
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.db import DatabaseError, connections

REPLICA = "replica"
_local = threading.local()
_down_until: dict[str, float] = {}


@contextmanager
def replica_reads() -> Iterator[None]:
    depth = getattr(_local, "depth", 0)
    _local.depth = depth + 1
    try:
        yield
    finally:
        _local.depth = depth


F = TypeVar("F", bound=Callable[..., Any])


def replica_view(view: F) -> F:
    """Decorator for a read-only dashboard view."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the view's signature


def replica_available(alias: str = REPLICA) -> bool:
    if alias not in settings.DATABASES:
        return False
    if _down_until.get(alias, 0) > time.monotonic():
        return False
    try:
        connections[alias].ensure_connection()
    except DatabaseError:
        _down_until[alias] = time.monotonic() + getattr(settings, "REPLICA_RETRY_SECONDS", 30)
        return False
    return True


class ReplicaRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        if getattr(_local, "depth", 0) and not connections["default"].in_atomic_block and replica_available():
            return REPLICA
        return "default"

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: same rows, same ids

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == "default"
