"""成果奖励积分 as a source of 考核 items: the verified reward points of the term, capped
at the item's points (an item of 10分 scores min(10, 积分))."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.urls import reverse

from xiaoben.assessment.models import ItemSource
from xiaoben.assessment.sources import Evidence, register

from .models import AchievementCredit


@register(ItemSource.RESEARCH)
def from_research(*, scheme, items, teachers):
    """One GROUP BY for the school: verified achievements dated inside the term."""
    term = scheme.term
    rows = (
        AchievementCredit.objects.filter(
            AchievementCredit.COUNTED,
            achievement__school_id=scheme.school_id,
            achievement__date__gte=term.start_date,
            achievement__date__lte=term.end_date,
        )
        .order_by()
        .values("teacher_id")
        .annotate(p=Sum("points"), n=Count("achievement_id", distinct=True))
    )
    got = {r["teacher_id"]: (Decimal(r["p"] or 0), r["n"]) for r in rows}
    q = f"?from={term.start_date.isoformat()}&to={term.end_date.isoformat()}"
    out = {}
    for t in teachers:
        pts, n = got.get(t.pk, (Decimal(0), 0))
        for item in items:
            out[(t.pk, item.pk)] = Evidence(
                pts,
                Decimal(item.points),
                f"本学期认定成果 {n} 项，奖励积分 {pts.normalize():f}（满 {Decimal(item.points).normalize():f} 分封顶）",
                reverse("research:teacher_achievements", args=[t.pk]) + q,
            )
    return out
