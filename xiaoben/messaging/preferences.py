"""Who gets which notice by which channel: a person's choices over their school's defaults.

The bell always gets everything. E-mail goes to the types a person ticked (or, until they
choose, the school's defaults, else each type's `default_channels`); with a digest chosen,
e-mails wait and leave together."""

from __future__ import annotations

from xiaoben.core.notifications import get_type

from .models import ChannelSettings, DigestMode


def school_defaults(school) -> dict:
    """`School.settings["notifications"]`: {"email_kinds": [...], "digest": "off"}."""
    data = school.setting("notifications", {}) if school is not None else {}
    return data if isinstance(data, dict) else {}


def effective(settings_row: ChannelSettings | None, school) -> tuple[set[str] | None, str]:
    """(e-mail kinds or None for "each type's default", digest mode)."""
    if settings_row is not None and settings_row.customised:
        return set(settings_row.email_kinds or []), settings_row.digest
    defaults = school_defaults(school)
    kinds = defaults.get("email_kinds")
    return (set(kinds) if isinstance(kinds, list) else None), defaults.get("digest", DigestMode.OFF)


def wants_email(key: str, email_kinds: set[str] | None) -> bool:
    if email_kinds is not None:
        return key in email_kinds
    kind = get_type(key)
    return kind is not None and "email" in kind.default_channels
