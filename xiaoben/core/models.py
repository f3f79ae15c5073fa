"""Shared building blocks: the user, base model mixins, notifications, comments,
attachments and API tokens. Every feature uses these instead of its own copies."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, TypeVar, cast

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

M = TypeVar("M", bound=models.Model)


class User(AbstractUser):
    """A person who signs in. Teachers also have an `org.Teacher` profile."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    must_change_password = models.BooleanField(_("首次登录须改密码"), default=False)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class CountedQuerySet(models.QuerySet[M]):
    """Records that count toward quotas, summaries and cards: a model sets `COUNTED` (a Q)
    once and every metric, section and card reads `Model.objects.counted()` or `Model.COUNTED`."""

    def counted(self) -> CountedQuerySet[M]:
        return self.filter(getattr(self.model, "COUNTED"))  # noqa: B009 (declared by each counted model)


def q_through(q: models.Q, path: str) -> models.Q:
    """`q` as seen from a model that reaches q's model through the relation `path`."""
    children: list[Any] = []
    for child in q.children:
        if isinstance(child, models.Q):
            children.append(q_through(child, path))
        else:
            lookup, value = cast("tuple[str, Any]", child)
            children.append((f"{path}__{lookup}", value))
    return models.Q(*children, _connector=q.connector, _negated=q.negated)


class AliveManager(models.Manager.from_queryset(CountedQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> models.QuerySet[Any]:
        qs: models.QuerySet[Any] = super().get_queryset()
        return qs.filter(deleted_at__isnull=True)


class SoftDeleteModel(models.Model):
    """Records that count (observations, writings, hours, achievements) are never
    hard-deleted: `objects` hides deleted rows, `all_objects` sees them, an admin
    can restore them."""

    deleted_at = models.DateTimeField(_("删除时间"), null=True, blank=True, db_index=True)

    objects = AliveManager()
    all_objects = models.Manager()

    class Meta:
        abstract = True

    @classmethod
    def counted_through(cls, path: str) -> models.Q:
        """`COUNTED` from a model that reaches this one through `path` (a credit's "achievement"):
        a join does not pass through `objects`, so the deleted rows are left out here too."""
        counted: models.Q = getattr(cls, "COUNTED")  # noqa: B009 (declared by each counted model)
        return q_through(counted, path) & models.Q(**{f"{path}__deleted_at__isnull": True})

    def soft_delete(self) -> None:
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at"])

    def restore(self) -> None:
        self.deleted_at = None
        self.save(update_fields=["deleted_at"])


class VersionedModel(models.Model):
    """Optimistic locking: a form carries the version it was loaded with and
    `core.concurrency.save_checked` refuses to overwrite a newer save."""

    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        abstract = True


class Notification(models.Model):
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人"))
    kind = models.CharField(_("类别"), max_length=40)
    text = models.CharField(_("内容"), max_length=500)
    context = models.JSONField(_("内容参数"), default=dict, blank=True)  # rendered at display time
    url = models.CharField(_("链接"), max_length=300, blank=True)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def display_text(self) -> str:
        from .notifications import display_text

        return display_text(self)


class Comment(TimeStampedModel, SoftDeleteModel):
    """One thread model for any record (网上议课, feedback replies, lesson-plan 研讨)."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="comments", verbose_name=_("作者"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("内容"), max_length=5000)
    mentions = models.ManyToManyField(User, blank=True, related_name="mentioned_in", verbose_name=_("提及"))

    class Meta:
        verbose_name = _("评论")
        verbose_name_plural = _("评论")
        ordering = ["created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(8)}/{filename}"


class Attachment(TimeStampedModel):
    """A file attached to any record, validated by `core.uploads.validate_upload`."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    file = models.FileField(_("文件"), upload_to=attachment_path, max_length=300)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小"), default=0)
    kind = models.CharField(_("类型"), max_length=20, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, verbose_name=_("上传人"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["target_type", "target_id"])]


class ApiToken(models.Model):
    """Personal access token for the JSON API. Only a hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=60)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("访问令牌")
        verbose_name_plural = _("访问令牌")

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()


class TextFingerprint(models.Model):
    """Winnowed fingerprints of every checked text (core.textsim): the containment index."""

    kind = models.CharField(max_length=40)  # a registered text source, e.g. "writings.writing"
    object_id = models.PositiveBigIntegerField()
    school_id = models.PositiveBigIntegerField(null=True, blank=True)  # the owning school's pool
    region_id = models.PositiveBigIntegerField(null=True, blank=True)  # set: in the pools of that region's schools
    hash = models.BigIntegerField()

    class Meta:
        indexes = [
            # one check reads at most textsim.CAP rows per fingerprint through these two
            models.Index(fields=["hash", "school_id"], name="textfp_hash_school"),
            models.Index(fields=["hash", "region_id"], name="textfp_hash_region", condition=models.Q(region_id__isnull=False)),
            models.Index(fields=["kind", "object_id"]),
        ]


class ReferenceText(TimeStampedModel):
    """参考文本库: texts known to circulate (template-site 心得/反思, purchased 教案), filled by a
    school or a district, so copies of them are found."""

    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    title = models.CharField(_("标题"), max_length=200)
    origin = models.CharField(_("来源"), max_length=200, blank=True, help_text=_("例如：某范文网站、某教案集"))
    body = models.TextField(_("正文"), max_length=200_000)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("录入人"))

    class Meta:
        verbose_name = _("参考文本")
        verbose_name_plural = _("参考文本库")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title
