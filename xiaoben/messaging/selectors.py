"""Reads: robots a person manages, where they may add one, the failure log."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from xiaoben.core.models import Notification, User
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to

from .models import ChannelSettings, Delivery, DeliveryStatus, Robot


def channel_settings_of(scope: Scope) -> ChannelSettings | None:
    """The person's own choices (None until they set any)."""
    return ChannelSettings.objects.filter(user_id=scope.user_id).first() if scope.user_id else None


def own_notice(user: User, pk: int) -> Notification:
    """One of the person's own notices (404 for anyone else's)."""
    return get_object_or_404(Notification, pk=pk, recipient=user)


def robot_list(*, scope: Scope) -> QuerySet[Robot]:
    return visible_to(scope, Robot).select_related("school", "group", "region", "created_by").order_by("school_id", "group_id", "name")


def robot_owners(*, scope: Scope) -> list[tuple[str, str]]:
    """Where this person may add a robot: their schools, the groups they lead, their regions."""
    from xiaoben.org.models import Group, Region, School

    out: list[tuple[str, str]] = []
    for s in School.objects.filter(pk__in=[sid for sid in scope.admin_school_ids if scope.can("school:manage", school_id=sid)]):
        out.append((f"school:{s.pk}", f"{s.name}（全校）"))
    for g in Group.objects.filter(pk__in=scope.led_group_ids).order_by("name"):
        out.append((f"group:{g.pk}", g.name))
    if scope.can("region:read"):
        for r in Region.objects.filter(pk__in=scope.region_ids).order_by("name")[:50]:
            out.append((f"region:{r.pk}", r.name))
    return out


def delivery_failures(*, scope: Scope) -> QuerySet[Delivery]:
    return (
        visible_to(scope, Delivery)
        .filter(status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING], attempts__gt=0)
        .select_related("robot", "recipient")
        .order_by("-created_at")
    )


def recent_deliveries(*, scope: Scope) -> QuerySet[Delivery]:
    return visible_to(scope, Delivery).exclude(recipient_id=scope.user_id).select_related("robot", "recipient").order_by("-created_at")
