"""Secrets at rest (robot webhook URLs and 加签 secrets): Fernet, keyed from a setting.

`FIELD_ENCRYPTION_KEY` (any string; in production a long random one kept apart from
the database backup) is stretched to a Fernet key; without it SECRET_KEY is used."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings


def _fernet() -> Fernet:
    material = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(("xiaoben-fields:" + material).encode()).digest())
    return Fernet(key)


def encrypt(value: str) -> str:
    return _fernet().encrypt(value.encode()).decode() if value else ""


def decrypt(token: str) -> str:
    if not token:
        return ""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        return ""


def mask(value: str, keep: int = 6) -> str:
    """What a page may show of a secret: its last few characters."""
    if not value:
        return ""
    return "••••••" + value[-keep:]
