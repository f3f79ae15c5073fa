"""Where notices go besides the bell: e-mail, 企业微信/钉钉 group robots, digests.

The in-app `core.Notification` stays the one record of a notice; these tables hold
the channels people chose and every delivery attempt (sent, failed with the answer)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import TimeStampedModel

from . import crypto


class RobotKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉自定义机器人")


class Robot(TimeStampedModel):
    """A group chat's robot, registered by a school, a group or a region."""

    kind = models.CharField(_("类型"), max_length=20, choices=RobotKind.choices)
    name = models.CharField(_("名称"), max_length=60, help_text=_("例如：全体教师群、语文组群"))
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("学校"))
    group = models.ForeignKey("org.Group", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("教研组"))
    region = models.ForeignKey("org.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("区域"))
    url_encrypted = models.TextField(_("Webhook 地址（加密）"))
    secret_encrypted = models.TextField(_("加签密钥（加密）"), blank=True)
    kinds = models.JSONField(_("推送的消息类型"), default=list, blank=True)
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("设置人")
    )
    last_error = models.CharField(_("最近一次错误"), max_length=300, blank=True)
    last_error_at = models.DateTimeField(_("出错时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("群机器人")
        verbose_name_plural = _("群机器人")
        ordering = ["school_id", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return crypto.decrypt(self.url_encrypted)

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)

    @property
    def url_masked(self) -> str:
        return crypto.mask(self.url)

    @property
    def kind_labels(self) -> str:
        """The notices this robot posts, by name (for the robots page)."""
        from xiaoben.core.notifications import get_type

        return "、".join(str(get_type(k).label) for k in (self.kinds or []) if get_type(k) is not None)

    @property
    def owner_school_id(self) -> int | None:
        return self.school_id or (self.group.school_id if self.group_id else None)


class DigestMode(models.TextChoices):
    OFF = "off", _("逐条发送")
    DAILY = "daily", _("每日汇总")
    WEEKLY = "weekly", _("每周汇总")


class ChannelSettings(models.Model):
    """One person's choices: per type of notice, which channels besides the bell."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_settings")
    email_kinds = models.JSONField(_("发邮件的消息类型"), default=list, blank=True)
    muted_robot_kinds = models.JSONField(_("不在群里@我的消息类型"), default=list, blank=True)
    digest = models.CharField(_("邮件汇总"), max_length=10, choices=DigestMode.choices, default=DigestMode.OFF)
    customised = models.BooleanField(default=False)  # False → the school's defaults apply
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知偏好")
        verbose_name_plural = _("通知偏好")


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("邮件")
    ROBOT = "robot", _("群机器人")
    DIGEST = "digest", _("汇总邮件")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("失败")
    HELD = "held", _("待汇总")


class Delivery(models.Model):
    """One message to one channel: an e-mail to a person or a post to a robot."""

    channel = models.CharField(_("渠道"), max_length=10, choices=DeliveryChannel.choices)
    kind = models.CharField(_("消息类型"), max_length=60)
    notification = models.ForeignKey("core.Notification", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    robot = models.ForeignKey(Robot, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    school = models.ForeignKey("org.School", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    response = models.CharField(_("对方回答"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("推送记录")
        verbose_name_plural = _("推送记录")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"]), models.Index(fields=["school", "status"])]


class NoticeOnce(models.Model):
    """A scheduled notice already sent (key like `activities.tomorrow:123:2026-11-18`)."""

    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
