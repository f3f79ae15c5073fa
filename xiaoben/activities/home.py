"""Home cards: this week's activities and the 外出学习汇报 a teacher owes; for the
教导处, the 汇报 that are late. A fixed, small number of queries."""

from __future__ import annotations

import datetime as dt

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from . import selectors


def cards(request, scope, term) -> list[HomeCard]:
    out: list[HomeCard] = []
    day = today()
    if scope.teacher is not None:
        monday = day - dt.timedelta(days=day.weekday())
        upcoming = list(
            selectors.activity_list(user=request.user, teacher_id=scope.teacher_id, start=day, end=monday + dt.timedelta(days=13))
            .exclude(status__in=["cancelled", "planned"])
            .order_by("starts_at")[:6]
        )
        owed = selectors.outside_reports_owed(teacher_id=scope.teacher_id, today=day)
        from .predicates import can_create_any

        ctx = {"upcoming": upcoming, "owed": owed, "can_schedule": can_create_any(scope), "leaves": _pending_leaves(request.user, scope)}
        out.append(HomeCard("activities/_home_card.html", ctx, order=20))
    if scope.school_id and scope.can("school:read", school_id=scope.school_id):
        late = [r for r in selectors.outside_reports_owed(school_id=scope.school_id, today=day) if r["late"]]
        if late:
            out.append(HomeCard("activities/_home_late_reports.html", {"late": late[:8], "count": len(late)}, order=25))
    return out


def _pending_leaves(user, scope) -> list:
    """请假 waiting for this organiser (the groups they lead, or the activities they created)."""
    if not (scope.is_group_leader or scope.is_school_admin):
        return []
    from django.db.models import Q

    from xiaoben.core.tenancy import visible_to

    from .models import LeaveRequest, LeaveState

    return list(
        visible_to(user, LeaveRequest)
        .filter(state=LeaveState.PENDING)
        .filter(Q(attendance__activity__group_id__in=scope.led_group_ids) | Q(attendance__activity__created_by_id=scope.user_id))
        .select_related("attendance__teacher", "attendance__activity")
        .order_by("attendance__activity__starts_at")[:5]
    )
