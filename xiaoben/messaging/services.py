"""Writes of the messaging app: robots, preferences, and sending what `dispatch` queued.

A person's writes (robots, their own choices, the school's defaults) take the actor's `Scope`
and check it first (`predicates.py`). Sending — `deliver`, `deliveries_due`, `digests_send` —
is the job's work, with no human actor."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.errors import require
from xiaoben.core.jobs import enqueue
from xiaoben.core.notifications import get_type, notify
from xiaoben.core.scope import Scope
from xiaoben.org.models import School

from . import crypto, robots
from .dispatch import absolute
from .models import ChannelSettings, Delivery, DeliveryChannel, DeliveryStatus, DigestMode, Robot, RobotKind
from .predicates import can_manage_robot, can_manage_robots_of, can_set_school_defaults

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
BACKOFF_MINUTES = (1, 5, 30, 120)  # after the 1st, 2nd, 3rd, 4th failure
DIGEST_HOURS = (7, 12)  # digests leave between 7:00 and 12:00 local time (weekly ones on Monday)


def _check_url(kind: str, url: str) -> None:
    prefixes: dict[str, tuple[str, ...]] = {
        RobotKind.WECOM: ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send",),
        RobotKind.DINGTALK: ("https://oapi.dingtalk.com/robot/send",),
    }
    from django.conf import settings

    allowed = prefixes.get(kind, ()) + tuple(getattr(settings, "ROBOT_EXTRA_URL_PREFIXES", ()))
    if not url.startswith(allowed):
        raise ValidationError(
            {
                "url": "Webhook 地址不对：请从群机器人设置里复制完整地址（企业微信以 https://qyapi.weixin.qq.com/ 开头，钉钉以 https://oapi.dingtalk.com/ 开头）。"
            }
        )


@transaction.atomic
def robot_save(
    *,
    actor: Scope,
    robot: Robot | None = None,
    kind: str,
    name: str,
    url: str = "",
    secret: str = "",
    kinds: list[str],
    school_id: int | None = None,
    group_id: int | None = None,
    region_id: int | None = None,
    quiet_start: dt.time | None = None,
    quiet_end: dt.time | None = None,
    is_active: bool = True,
) -> Robot:
    """Register or change a group robot. A blank URL/secret on edit keeps the stored one
    (pages never show them back in full)."""
    if robot is None:
        require(
            can_manage_robots_of(actor, school_id=school_id, group_id=group_id, region_id=region_id),
            "只有学校管理员、组长或教研员可以设置群机器人。",
        )
        if not url:
            raise ValidationError({"url": "请填写 Webhook 地址。"})
        robot = Robot(school_id=school_id, group_id=group_id, region_id=region_id, created_by_id=actor.user_id)
    else:
        require(can_manage_robot(actor, robot))
    if kind not in RobotKind.values:
        raise ValidationError({"kind": "请选择机器人类型。"})
    unknown = [k for k in kinds if not ((t := get_type(k)) is not None and t.robot_capable)]
    if unknown:
        raise ValidationError({"kinds": "这些消息不能发到群里：" + "、".join(unknown)})
    if url:
        _check_url(kind, url.strip())
        robot.url_encrypted = crypto.encrypt(url.strip())
    if secret:
        robot.secret_encrypted = crypto.encrypt(secret.strip())
    robot.kind, robot.name, robot.kinds = kind, name.strip(), list(kinds)
    robot.quiet_start, robot.quiet_end, robot.is_active = quiet_start, quiet_end, is_active
    robot.full_clean()
    robot.save()
    return robot


def robot_delete(*, actor: Scope, robot: Robot) -> None:
    require(can_manage_robot(actor, robot))
    robot.delete()


def robot_test(*, actor: Scope, robot: Robot) -> robots.RobotAnswer:
    """Send a test message now, so the admin sees at once whether the robot works."""
    require(can_manage_robot(actor, robot))
    answer = robots.post(robot.kind, robot.url, robot.secret, "校本研修：测试消息", "#### 校本研修\n这是一条测试消息：群机器人设置成功。")
    Delivery.objects.create(
        channel=DeliveryChannel.ROBOT,
        kind="messaging.test",
        robot=robot,
        school_id=robot.owner_school_id,
        title="测试消息",
        body="测试消息",
        status=DeliveryStatus.SENT if answer.ok else DeliveryStatus.FAILED,
        attempts=1,
        response=answer.message,
        sent_at=timezone.now() if answer.ok else None,
    )
    _robot_health(robot, answer)
    return answer


@transaction.atomic
def channel_settings_save(
    *, actor: Scope, email_kinds: list[str], digest: str, muted_robot_kinds: list[str] | None = None, email: str | None = None
) -> ChannelSettings:
    """A person's choices: which notices also come by e-mail (and to which address), one by
    one or as a digest, and in which group-chat posts their name is left out."""
    user_id = actor.user_id
    require(actor.is_authenticated and user_id is not None)
    assert user_id is not None
    if digest not in DigestMode.values:
        raise ValidationError({"digest": "请选择汇总方式。"})
    if email is not None:
        from django.contrib.auth import get_user_model
        from django.core.validators import validate_email

        email = email.strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError({"email": "邮箱地址格式不对，例如 name@example.com。"}) from None
        get_user_model().objects.filter(pk=user_id).update(email=email)
    known = [k for k in email_kinds if get_type(k) is not None]
    row, _ = ChannelSettings.objects.get_or_create(user_id=user_id)
    row.email_kinds, row.digest, row.customised = sorted(set(known)), digest, True
    if muted_robot_kinds is not None:
        row.muted_robot_kinds = sorted({k for k in muted_robot_kinds if get_type(k) is not None})
    row.save()
    return row


def school_notification_defaults_save(*, actor: Scope, school: School, email_kinds: list[str], digest: str) -> None:
    require(can_set_school_defaults(actor, school.pk), "只有学校管理员可以设置全校默认。")
    if digest not in DigestMode.values:
        raise ValidationError({"digest": "请选择汇总方式。"})
    data = dict(school.settings or {})
    data["notifications"] = {"email_kinds": sorted({k for k in email_kinds if get_type(k)}), "digest": digest}
    school.settings = data
    school.save(update_fields=["settings"])


# Sending ------------------------------------------------------------------------------------


def _claim(pk: int, now: dt.datetime) -> Delivery | None:
    """Take a due delivery so no other worker sends it too (a conditional UPDATE)."""
    taken = Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, next_attempt_at__lte=now).update(status=DeliveryStatus.SENDING)
    if not taken:
        return None
    return Delivery.objects.select_related("robot", "recipient").get(pk=pk)


def _send_email(delivery: Delivery) -> tuple[bool, str, bool]:
    user = delivery.recipient
    if user is None or not user.email:
        return False, "收件人没有邮箱地址。", False
    link = absolute(reverse("messaging:open", args=[delivery.notification_id]) if delivery.notification_id else delivery.url)
    ctx = {"title": delivery.title, "body": delivery.body, "link": link, "name": getattr(user, "display_name", "")}
    message = EmailMultiAlternatives(
        subject=f"[校本研修] {delivery.title[:60]}",
        body=render_to_string("messaging/email.txt", ctx),
        to=[user.email],
    )
    message.attach_alternative(render_to_string("messaging/email.html", ctx), "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP errors of every kind: record and retry
        return False, f"邮件服务器拒绝或无法连接：{type(exc).__name__}", True
    return True, "已发送。", False


def _send_robot(delivery: Delivery) -> tuple[bool, str, bool]:
    robot = delivery.robot
    if robot is None or not robot.is_active:
        return False, "机器人已停用或删除。", False
    text = delivery.body
    if delivery.url:
        text += f"\n\n[打开校本研修]({absolute(delivery.url)})"
    answer = robots.post(robot.kind, robot.url, robot.secret, delivery.title, text)
    _robot_health(robot, answer)
    return answer.ok, answer.message, answer.retry


def _robot_health(robot: Robot, answer: robots.RobotAnswer) -> None:
    """Tell the admin who set the robot up when it starts failing (once per error)."""
    if answer.ok:
        if robot.last_error:
            Robot.objects.filter(pk=robot.pk).update(last_error="", last_error_at=None)
        return
    if robot.last_error == answer.message:
        return
    Robot.objects.filter(pk=robot.pk).update(last_error=answer.message, last_error_at=timezone.now())
    if robot.created_by_id:
        notify(
            "messaging.robot_failed",
            recipients=[robot.created_by_id],
            context={"name": robot.name, "reason": answer.message},
            url=reverse("messaging:robots"),
        )


def deliver(pk: int, now: dt.datetime | None = None) -> Delivery | None:
    """Send one delivery; on failure keep the answer and try again later with backoff."""
    now = now or timezone.now()
    delivery = _claim(pk, now)
    if delivery is None:
        return None
    sender = _send_robot if delivery.channel == DeliveryChannel.ROBOT else _send_email
    ok, message, retry = sender(delivery)
    delivery.attempts += 1
    delivery.response = message[:500]
    if ok:
        delivery.status, delivery.sent_at, delivery.next_attempt_at = DeliveryStatus.SENT, now, None
    elif retry and delivery.attempts < MAX_ATTEMPTS:
        wait = BACKOFF_MINUTES[min(delivery.attempts - 1, len(BACKOFF_MINUTES) - 1)]
        delivery.status, delivery.next_attempt_at = DeliveryStatus.PENDING, now + dt.timedelta(minutes=wait)
    else:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    delivery.save(update_fields=["attempts", "response", "status", "sent_at", "next_attempt_at"])
    log.info("delivery %s %s: %s", delivery.pk, delivery.status, delivery.channel)  # never the URL or the text
    return delivery


def deliveries_due(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:500]
    )


def _item_link(notification_id: int | None, url: str) -> str:
    """Each line of a digest links to the page that acts on it (through the notice, so it is marked read)."""
    return absolute(reverse("messaging:open", args=[notification_id]) if notification_id else url)


def digests_send(now: dt.datetime | None = None) -> int:
    """Build each person's held e-mails into one digest: daily ones every morning after 7:00,
    weekly ones on Monday morning. Digests leave only in the morning (7:00–12:00), so a notice
    of the afternoon waits for the next morning instead of leaving alone. A fixed number of queries
    however many people: the digest mails are queued as deliveries and sent by the job like
    any other. Returns how many."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if not DIGEST_HOURS[0] <= local.hour < DIGEST_HOURS[1]:
        return 0
    modes = [DigestMode.DAILY] + ([DigestMode.WEEKLY] if local.weekday() == 0 else [])
    today_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    held = list(
        Delivery.objects.filter(channel=DeliveryChannel.DIGEST, status=DeliveryStatus.HELD)
        .filter(
            Q(recipient__channel_settings__customised=True, recipient__channel_settings__digest__in=modes)
            # not chosen by the person: the school's default mode (daily when the school set none)
            | (Q(recipient__channel_settings__isnull=True) | Q(recipient__channel_settings__customised=False))
            & (Q(school__settings__notifications__digest__in=modes) | ~Q(school__settings__notifications__has_key="digest"))
        )
        .exclude(recipient__channel_settings__last_digest_at__gte=today_start)
        .order_by("recipient_id", "created_at")
        .values_list("pk", "recipient_id", "school_id", "body", "notification_id", "url")
    )
    by_user: dict[int, list[tuple[Any, ...]]] = {}
    for row in held:
        by_user.setdefault(row[1], []).append(row)
    if not by_user:
        return 0
    digests = [
        Delivery(
            channel=DeliveryChannel.EMAIL,
            kind="messaging.digest",
            recipient_id=user_id,
            school_id=items[0][2],
            title=f"校本研修消息汇总（{len(items)}条）",
            body="\n".join(f"· {item[3]}\n  {_item_link(item[4], item[5])}" for item in items),
            url=reverse("core:notifications"),
            next_attempt_at=now,
        )
        for user_id, items in by_user.items()
    ]
    created = Delivery.objects.bulk_create(digests)
    Delivery.objects.filter(pk__in=[r[0] for r in held]).update(status=DeliveryStatus.SENT, sent_at=now, response="已并入汇总邮件。")
    existing = set(ChannelSettings.objects.filter(user_id__in=by_user).values_list("user_id", flat=True))
    ChannelSettings.objects.filter(user_id__in=existing).update(last_digest_at=now)
    ChannelSettings.objects.bulk_create([ChannelSettings(user_id=u, last_digest_at=now) for u in by_user if u not in existing])
    from .tasks import deliver as deliver_task

    for d in created:
        enqueue(deliver_task, d.pk)
    return len(created)
