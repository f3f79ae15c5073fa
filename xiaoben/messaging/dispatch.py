"""After a notice is committed: queue its e-mails and its group-robot posts.

Nothing is sent here: rows go into `Delivery` and a job sends them (Celery with Redis;
in-process without), so a page never waits for a mail server or a robot."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import override

from xiaoben.core.jobs import enqueue
from xiaoben.core.models import Notification
from xiaoben.core.notifications import get_type

from . import preferences
from .models import Delivery, DeliveryChannel, DeliveryStatus, DigestMode, Robot


def _owner_ids(target) -> tuple[int | None, int | None, int | None]:
    """Whose robots hear about `target`: its school's, its group's, its region's (a school or a
    region as the target itself counts too)."""
    if target is None:
        return None, None, None
    label = getattr(getattr(target, "_meta", None), "label", "")
    school_id = target.pk if label == "org.School" else getattr(target, "school_id", None)
    region_id = target.pk if label == "org.Region" else getattr(target, "region_id", None)
    return school_id, getattr(target, "group_id", None), region_id


def in_quiet_hours(robot: Robot, now: dt.datetime) -> dt.datetime | None:
    """When the robot's quiet hours end, if `now` falls inside them (they may span midnight)."""
    start, end = robot.quiet_start, robot.quiet_end
    if start is None or end is None or start == end:
        return None
    local = timezone.localtime(now)
    t = local.time()
    inside = (start <= t < end) if start < end else (t >= start or t < end)
    if not inside:
        return None
    ends = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if ends <= local:
        ends += dt.timedelta(days=1)
    return ends


def robots_for(key: str, school_id: int | None, group_id: int | None, region_id: int | None):
    owners = Q()
    if school_id:
        owners |= Q(school_id=school_id)
    if group_id:
        owners |= Q(group_id=group_id)
    if region_id:
        owners |= Q(region_id=region_id)
    if not owners:
        return []
    return [r for r in Robot.objects.filter(owners, is_active=True) if key in (r.kinds or [])]


def dispatch_notice(*, key: str, notification_ids: list[int], context: dict, url: str, text: str, target=None) -> None:
    kind = get_type(key)
    if kind is None:
        return
    now = timezone.now()
    rows: list[Delivery] = []
    notices = list(
        Notification.objects.filter(pk__in=notification_ids)
        .select_related("recipient", "recipient__channel_settings", "recipient__teacher__school")
        .exclude(recipient__email="")
    )
    for n in notices:
        user = n.recipient
        teacher = getattr(user, "teacher", None)
        school = teacher.school if teacher is not None else None
        settings_row = getattr(user, "channel_settings", None)
        email_kinds, digest = preferences.effective(settings_row, school)
        if not preferences.wants_email(key, email_kinds):
            continue
        held = digest != DigestMode.OFF
        rows.append(
            Delivery(
                channel=DeliveryChannel.DIGEST if held else DeliveryChannel.EMAIL,
                kind=key,
                notification=n,
                recipient=user,
                school=school,
                title=text[:200],
                body=text,
                url=url,
                status=DeliveryStatus.HELD if held else DeliveryStatus.PENDING,
                next_attempt_at=None if held else now,
            )
        )
    if kind.robot_capable:
        school_id, group_id, region_id = _owner_ids(target)
        for robot in robots_for(key, school_id, group_id, region_id):
            quiet_until = in_quiet_hours(robot, now)
            with override("zh-hans"):  # a group chat reads Chinese, whatever language the sender's page was in
                title, body = str(kind.label), kind.render_robot(context)
            rows.append(
                Delivery(
                    channel=DeliveryChannel.ROBOT,
                    kind=key,
                    robot=robot,
                    school_id=robot.owner_school_id,
                    title=title,
                    body=body,
                    url=url,
                    next_attempt_at=quiet_until or now,
                )
            )
    if rows:
        created = Delivery.objects.bulk_create(rows)
        due = [d.pk for d in created if d.status == DeliveryStatus.PENDING and d.next_attempt_at <= now]
        if due:
            from .tasks import deliver

            for pk in due:
                enqueue(deliver, pk)


def absolute(url: str) -> str:
    """Links in mail and robots open the page that acts on the notice (after sign-in on a phone)."""
    if not url:
        return settings.SITE_URL
    return url if url.startswith("http") else settings.SITE_URL.rstrip("/") + url
