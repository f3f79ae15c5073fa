"""Home cards: 计划完成情况 — for the 教导处 the school plan and every group plan of the
term, for a 教研组长 the plans of their groups: held / planned, what is overdue."""

from __future__ import annotations

from xiaoben.core.home import HomeCard

from . import selectors
from .models import PlanLevel


def cards(request, scope, term) -> list[HomeCard]:
    if term is None or scope.school_id is None:
        return []
    is_admin = scope.can("plans:manage", school_id=scope.school_id)
    if not (is_admin or scope.is_group_leader):
        return []
    plans = selectors.current_plans_for_term(user=request.user, school_id=scope.school_id, term=term)
    if not is_admin:
        plans = [p for p in plans if p.level == PlanLevel.GROUP and p.group_id in scope.led_group_ids]
    if not plans:
        return []
    sums = selectors.progress_summaries(plans)
    rows = [(p, sums[p.pk]) for p in plans]
    return [HomeCard("plans/_home_card.html", {"rows": rows[:8], "more": max(0, len(rows) - 8)}, order=22)]
