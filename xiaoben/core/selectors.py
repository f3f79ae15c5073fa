"""Shared reads: comments and attachments of a record, unread notifications."""

from django.contrib.contenttypes.models import ContentType

from .models import Attachment, Comment, Notification


def comments_for(target):
    ct = ContentType.objects.get_for_model(target)
    return Comment.objects.filter(target_type=ct, target_id=target.pk).select_related("author", "author__teacher").order_by("created_at")


def attachments_for(target):
    ct = ContentType.objects.get_for_model(target)
    return Attachment.objects.filter(target_type=ct, target_id=target.pk).order_by("created_at")


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
