"""Rotating sign-in codes: the host screen shows a QR code whose token changes every
30 seconds, so only people in the room can sign in.

token = HMAC(SECRET_KEY, "activity-signin:<id>:<slot>") where slot = unix time // 30.
The current and the previous slot are accepted (a code scanned just before it
rotates still works); anything older is refused."""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings

PERIOD_SECONDS = 30
TOKEN_LENGTH = 20
GRANT_SECONDS = 300  # a scanned code lets you finish signing in (e.g. log in first) within 5 minutes
SESSION_KEY = "activity_signin_grants"


def _slot(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // PERIOD_SECONDS)


def token_for(activity_id: int, slot: int | None = None) -> str:
    slot = _slot() if slot is None else slot
    msg = f"activity-signin:{activity_id}:{slot}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), msg, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def token_valid(activity_id: int, token: str) -> bool:
    now = _slot()
    return any(hmac.compare_digest(token_for(activity_id, s), token or "") for s in (now, now - 1))


def seconds_left() -> int:
    return PERIOD_SECONDS - int(time.time()) % PERIOD_SECONDS


def grant(session, activity_id: int) -> None:
    grants = dict(session.get(SESSION_KEY, {}))
    grants[str(activity_id)] = time.time()
    session[SESSION_KEY] = grants


def has_grant(session, activity_id: int) -> bool:
    at = session.get(SESSION_KEY, {}).get(str(activity_id))
    return at is not None and time.time() - at <= GRANT_SECONDS


def qr_svg(url: str) -> str:
    import segno

    return segno.make(url, error="m").svg_inline(scale=8, border=2, dark="#1d273b")
