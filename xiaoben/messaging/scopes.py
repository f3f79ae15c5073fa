"""Who may read robots and delivery records: the owners' managers only."""

from django.db.models import Q

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import scope_rule

from .models import Delivery, Robot


def _managed(scope: Scope, prefix: str = "") -> Q:
    schools = [sid for sid in scope.admin_school_ids if scope.can("school:manage", school_id=sid)]
    q = Q(**{f"{prefix}school_id__in": schools}) | Q(**{f"{prefix}group__school_id__in": schools})
    if scope.led_group_ids:
        q |= Q(**{f"{prefix}group_id__in": scope.led_group_ids})
    if scope.region_ids:
        q |= Q(**{f"{prefix}region_id__in": scope.region_ids})
    return q


@scope_rule(Robot)
def robots_visible(scope: Scope, qs):
    return qs.filter(_managed(scope))


@scope_rule(Delivery)
def deliveries_visible(scope: Scope, qs):
    own = Q(recipient_id=scope.user_id)
    return qs.filter(own | Q(robot__in=Robot.objects.filter(_managed(scope))) | Q(robot__isnull=True, school_id__in=scope.admin_school_ids))
