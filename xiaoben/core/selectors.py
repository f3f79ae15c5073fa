"""Shared reads: comments and attachments of a record, notifications, API tokens."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import QuerySet

from .models import ApiToken, Attachment, Comment, Notification, User
from .tenancy import visible_to


def comments_for(target: models.Model) -> QuerySet[Comment]:
    ct = ContentType.objects.get_for_model(target)
    rows: QuerySet[Comment] = Comment.objects.filter(target_type=ct, target_id=target.pk)
    return rows.select_related("author", "author__teacher").order_by("created_at")


def attachments_for(target: models.Model) -> QuerySet[Attachment]:
    ct = ContentType.objects.get_for_model(target)
    return Attachment.objects.filter(target_type=ct, target_id=target.pk).order_by("created_at")


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def comment_of(target: models.Model, comment_id: int | str | None) -> Comment | None:
    """A comment under `target` (already found through the door), or None."""
    if not comment_id or not str(comment_id).isdigit():
        return None
    return comments_for(target).filter(pk=int(comment_id)).first()


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at")


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def attachment_for(user: User, attachment_id: int) -> Attachment | None:
    """An attachment whose record the user may open (None otherwise: the page answers 404)."""
    att = Attachment.objects.select_related("target_type").filter(pk=attachment_id).first()
    if att is None:
        return None
    model = att.target_type.model_class()
    if model is None or not visible_to(user, model).filter(pk=att.target_id).exists():
        return None
    return att
