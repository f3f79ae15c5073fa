"""Scheduled notices: producers registered with `@scheduled(name)`, run by one tick.

The tick runs every few minutes — Celery beat in production (`messaging.tick`), or
`manage.py send_notices` from cron without Redis. Each producer decides what is due at
`now` and guards every notice with `once(key)`, so running the tick twice sends nothing
twice, and several app servers may run it at once."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import NoticeOnce

log = logging.getLogger(__name__)

Producer = Callable[[dt.datetime], int]
_PRODUCERS: dict[str, Producer] = {}


def scheduled(name: str) -> Callable[[Producer], Producer]:
    def register(fn: Producer) -> Producer:
        _PRODUCERS[name] = fn
        return fn

    return register


def producers() -> dict[str, Producer]:
    return dict(_PRODUCERS)


def once(key: str) -> bool:
    """True the first time `key` is seen (then the caller sends); False ever after."""
    try:
        with transaction.atomic():
            NoticeOnce.objects.create(key=key[:120])
    except IntegrityError:
        return False
    return True


def run_tick(now: dt.datetime | None = None, only: list[str] | None = None) -> dict:
    """Run every producer, then send due deliveries (retries included) and digests."""
    from .services import deliver, deliveries_due, digests_send

    now = now or timezone.now()
    counts: dict[str, int] = {}
    for name, fn in _PRODUCERS.items():
        if only and name not in only:
            continue
        try:
            counts[name] = fn(now)
        except Exception:  # one broken producer must not stop the others
            log.exception("scheduled notice %s failed", name)
            counts[name] = -1
    counts["digests"] = digests_send(now)
    sent = 0
    for pk in deliveries_due(now):
        if deliver(pk, now) is not None:
            sent += 1
    counts["deliveries"] = sent
    return counts
