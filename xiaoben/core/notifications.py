"""Notification types: registered once, stored with their context, rendered at display time.

Each app declares its types in `<app>/notifications.py` (imported when the app is ready):

    notification_type("activities.published", label=_("活动发布"),
                      text=_("%(group)s发布了活动：%(title)s"))

and sends with

    notify("activities.published", recipients=[...], target=activity,
           context={"group": group.name, "title": activity.title}, url=reverse(...))

The text is rendered with the reader's language when the notice is shown, so the
English UI translates it; `Notification.text` keeps the Chinese rendering for
e-mail, robots and search.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, override

TEXT_MAX = 500


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: str | Promise
    text: str | Promise  # a %(name)s template over the context
    default_channels: tuple[str, ...] = ("app",)  # "email" too where people want mail by default
    robot_text: str | Promise | None = None  # markdown for group robots; None: never posted to a group

    @property
    def robot_capable(self) -> bool:
        return self.robot_text is not None

    def render_robot(self, context: dict) -> str:
        if self.robot_text is None:
            return self.render(context)
        try:
            return str(self.robot_text) % context
        except (KeyError, TypeError, ValueError):
            return str(self.robot_text)

    def render(self, context: dict) -> str:
        template = gettext(str(self.text)) if isinstance(self.text, str) else str(self.text)
        try:
            return (template % context)[:TEXT_MAX]
        except (KeyError, TypeError, ValueError):
            return template[:TEXT_MAX]


_TYPES: dict[str, NotificationType] = {}


def notification_type(
    key: str,
    *,
    label: str | Promise,
    text: str | Promise,
    default_channels: tuple[str, ...] = ("app",),
    robot_text: str | Promise | None = None,
) -> NotificationType:
    """Register a type (idempotent: re-importing a module registers the same key again)."""
    if "." not in key:
        raise ValueError(f"notification key {key!r} must be '<app>.<event>'")
    kind = NotificationType(key=key, label=label, text=text, default_channels=default_channels, robot_text=robot_text)
    _TYPES[key] = kind
    return kind


def get_type(key: str) -> NotificationType | None:
    return _TYPES.get(key)


def registered_types() -> list[NotificationType]:
    return sorted(_TYPES.values(), key=lambda t: t.key)


# Channels beyond the bell (e-mail, group robots) register here; core calls them after
# commit and knows nothing else about them.
Dispatcher = Callable[..., None]
_DISPATCHERS: list[Dispatcher] = []


def register_dispatcher(fn: Dispatcher) -> None:
    if fn not in _DISPATCHERS:
        _DISPATCHERS.append(fn)


def notify(
    key: str,
    *,
    recipients: Iterable,
    target: models.Model | None = None,
    context: dict | None = None,
    url: str = "",
    email: bool = False,
):
    """Send a registered notice to each recipient (users or user ids)."""
    from .services import notification_send

    kind = _TYPES.get(key)
    if kind is None:
        raise LookupError(f"unknown notification type {key!r}: register it with notification_type()")
    ctx = {k: str(v) for k, v in (context or {}).items()}
    with override("zh-hans"):
        text = kind.render(ctx)
    record = target if isinstance(target, models.Model) else None  # a robot-only target may be a plain owner
    rows = notification_send(recipients=recipients, kind=key, text=text, url=url, target=record, email=email, context=ctx)
    if _DISPATCHERS:
        ids = [n.pk for n in rows]
        event = {"key": key, "notification_ids": ids, "context": ctx, "url": url, "text": text, "target": target}
        transaction.on_commit(lambda: [fn(**event) for fn in _DISPATCHERS])
    return rows


def display_text(notification) -> str:
    """The notice in the reader's current language (falls back to the stored text)."""
    kind = _TYPES.get(notification.kind)
    if kind is None or not notification.context:
        return notification.text
    return kind.render(notification.context)
