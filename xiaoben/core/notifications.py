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
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext, override
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Notification

TEXT_MAX = 500


@dataclass(frozen=True)
class NotificationType:
    key: str
    label: str | Promise
    text: str | Promise  # a %(name)s template over the context
    # "email" too where people want mail by default; () for a group-robot-only notice (sent to no person)
    default_channels: tuple[str, ...] = ("app",)
    robot_text: str | Promise | None = None  # markdown for group robots; None: never posted to a group

    @property
    def robot_capable(self) -> bool:
        return self.robot_text is not None

    def render_robot(self, context: dict[str, str]) -> str:
        if self.robot_text is None:
            return self.render(context)
        try:
            return str(self.robot_text) % context
        except (KeyError, TypeError, ValueError):
            return str(self.robot_text)

    def render(self, context: dict[str, str]) -> str:
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
    recipients: Iterable[Any],  # users or user ids
    target: Any = None,  # a record, or a plain owner a robot names
    context: dict[str, Any] | None = None,
    url: str = "",
) -> list[Notification]:
    """Send a registered notice to each recipient (users or user ids). `url` is reversed by the
    caller (never written by hand); e-mail and robots are channels registered by messaging."""
    kind = _TYPES.get(key)
    if kind is None:
        raise LookupError(f"unknown notification type {key!r}: register it with notification_type()")
    ctx = {k: str(v) for k, v in (context or {}).items()}
    with override("zh-hans"):
        text = kind.render(ctx)
    record = target if isinstance(target, models.Model) else None  # a robot-only target may be a plain owner
    rows = _store(recipients=recipients, key=key, text=text, url=url, target=record, context=ctx)
    if _DISPATCHERS:
        ids = [n.pk for n in rows]
        event = {"key": key, "notification_ids": ids, "context": ctx, "url": url, "text": text, "target": target}
        transaction.on_commit(lambda: [fn(**event) for fn in _DISPATCHERS])
    return rows


def _store(
    *, recipients: Iterable[Any], key: str, text: str, url: str, target: models.Model | None, context: dict[str, str]
) -> list[Notification]:
    """One in-app row per recipient (the bell); `text` keeps the Chinese rendering for search and mail."""
    from django.contrib.contenttypes.models import ContentType

    from .models import Notification

    ct = ContentType.objects.get_for_model(target) if target is not None else None
    ids = {r if isinstance(r, int) else r.pk for r in recipients}
    rows = [
        Notification(
            recipient_id=rid,
            kind=key,
            text=text[:TEXT_MAX],
            context=context,
            url=url,
            target_type=ct,
            target_id=target.pk if target is not None else None,
        )
        for rid in sorted(ids)
    ]
    Notification.objects.bulk_create(rows)
    return rows


def display_text(notification: Notification) -> str:
    """The notice in the reader's current language (falls back to the stored text)."""
    kind = _TYPES.get(notification.kind)
    if kind is None or not notification.context:
        return str(notification.text)
    return kind.render(notification.context)


# Core's own notices: comment threads on any record.
notification_type("core.mention", label=_("评论中提到我"), text=_("%(author)s 在评论中提到了你：%(text)s"))
notification_type("core.reply", label=_("回复我的评论"), text=_("%(author)s 回复了你的评论：%(text)s"))
notification_type("core.comment", label=_("关注的记录有新评论"), text=_("%(author)s 评论了「%(record)s」：%(text)s"))
