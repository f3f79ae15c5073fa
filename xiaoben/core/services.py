"""Shared write actions: notifications, comments, attachments, API tokens.

The actor here is the acting `User` (a comment's author, an upload's owner: the row needs it);
each service asks `predicates.py` or the door about that user first and raises `NotPermitted()`
(→ 404) for a record out of reach."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction

from . import predicates as can
from .errors import require
from .models import ApiToken, Attachment, Comment, Notification, User
from .notifications import notify
from .scope import scope_for
from .uploads import validate_upload
from .validation import require_lengths

COMMENT_MAX = 5000


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    """Mark the user's own notices read (only their own: others' ids are ignored)."""
    from django.utils import timezone

    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())


MENTION_RE = re.compile(r"@([\w\u4e00-\u9fff]{2,20})")


@transaction.atomic
def comment_add(*, author: User, target: models.Model, body: str, parent: Comment | None = None, url: str = "") -> Comment:
    """Add a comment to a record the author may see and write under (`predicates.can_comment`).
    @姓名 mentions notify colleagues of the same school."""
    require(may_see(author, target))
    require(can.can_comment(scope_for(author), target))
    text = (body or "").strip()
    if not text:
        raise ValidationError("评论内容不能为空。")
    if len(text) > COMMENT_MAX:
        raise ValidationError(f"评论太长了：{len(text)} 字，最多 {COMMENT_MAX} 字。")
    ct = ContentType.objects.get_for_model(target)
    if parent is not None and (parent.target_type_id != ct.pk or parent.target_id != target.pk):
        raise ValidationError("回复的评论不属于这条记录。")
    comment: Comment = Comment.objects.create(
        target_type=ct, target_id=target.pk, author=author, parent=parent, body=text
    )  # plain text: escaped once, when shown
    names = set(MENTION_RE.findall(text))
    school_id = getattr(target, "school_id", None)
    if names and school_id:
        # Colleagues of the record's school, and of the writer's own school when the record is
        # shared beyond its school (a region-shared resource) — only those who may open it.
        own = getattr(getattr(author, "teacher", None), "school_id", None)
        schools = {school_id, own} - {None}
        found = User.objects.filter(teacher__name__in=names, teacher__school_id__in=schools).exclude(pk=author.pk)
        allowed = users_who_may_see(found, target)
        mentioned = [u for u in found if u.pk in allowed]
        comment.mentions.set(mentioned)
        notify("core.mention", recipients=mentioned, context={"author": author.display_name, "text": text[:60]}, url=url, target=target)
    notified = {m.pk for m in comment.mentions.all()} | {author.pk}
    if parent is not None and parent.author_id not in notified:
        if users_who_may_see([parent.author_id], target):  # who lost sight of the record is not told
            notify(
                "core.reply",
                recipients=[parent.author_id],
                context={"author": author.display_name, "text": text[:60]},
                url=url,
                target=target,
            )
        notified.add(parent.author_id)
    # A record may name who follows its thread (e.g. an observation: observer and observed).
    audience = getattr(target, "comment_audience", None)
    if callable(audience):
        followers = [uid for uid in audience() if uid not in notified]
        followers = sorted(users_who_may_see(followers, target)) if followers else []
        if followers:
            label = str(target)[:40]
            notify(
                "core.comment",
                recipients=followers,
                context={"author": author.display_name, "record": label, "text": text[:60]},
                url=url,
                target=target,
            )
    return comment


def may_see(user: User, target: models.Model) -> bool:
    """May this user open `target` (through the door)?"""
    from .tenancy import visible_to

    return visible_to(user, type(target)).filter(pk=target.pk).exists()


def users_who_may_see(users: Iterable[User | int], target: models.Model) -> set[int]:
    """Which of these users (or ids) may open `target` now — through the door, each with their
    own scope. A notice about a record (a comment's words, its title) goes only to them."""
    from .tenancy import visible_to

    ids = {u if isinstance(u, int) else u.pk for u in users}
    if not ids:
        return set()
    model = type(target)
    return {u.pk for u in User.objects.filter(pk__in=ids, is_active=True) if visible_to(u, model).filter(pk=target.pk).exists()}


def attachment_add(
    *, user: User, target: models.Model, upload: UploadedFile[bytes], kinds: set[str], max_mb: int | None = None
) -> Attachment:
    """Attach a file to a record the user may see; the caller's service has checked they may
    change it (an activity's minutes, a claim, a plan)."""
    require(may_see(user, target))
    kind = validate_upload(upload, kinds, max_mb)
    return Attachment.objects.create(
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        file=upload,
        name=getattr(upload, "name", "file")[:200],
        size=upload.size or 0,
        kind=kind,
        uploaded_by=user,
    )


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a token; the raw value is shown once and never stored."""
    require_lengths([("名称", name, 60)])
    raw = "xb_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name or "API", prefix=raw[:8], token_hash=ApiToken.hash(raw))
    return token, raw


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Revoke one of the user's own tokens (someone else's answers 404)."""
    deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
    require(deleted > 0)
