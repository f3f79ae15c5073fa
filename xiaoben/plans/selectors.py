"""Reads: plan lists through the door, and 计划完成情况 (plan vs actual).

An item is
- 已举行 (held): an activity that fulfils it was held (held/recorded/archived), or it
  was ticked done by hand (a 总结, a 会议);
- 已安排 (scheduled): it has an activity that is planned or published, none held yet;
- 未开展 (not yet): nothing yet — 逾期 when its month is over;
- 已取消 (dropped): dropped with a reason.
Counts are a fixed number of queries whatever the plan's size."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from xiaoben.activities.models import Activity
from xiaoben.core.permissions import REGION_ROLES
from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, Region, RoleAssignment, School, Teacher, Term

from . import predicates as can
from .models import ItemState, Plan, PlanItem, PlanLevel

HELD = ("held", "recorded", "archived")
MONTH_ORDER = [8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7]  # a school year's months, in order
SHOWN_ACTIVITIES = 4  # activities listed under one item; a weekly item shows counts instead
LIVE = ("planned", "published")


def plan_list(*, user: Viewer, level: str | None = None, school_id: int | None = None, current: bool = True) -> QuerySet[Plan]:
    qs = visible_to(user, Plan).select_related("school", "group", "teacher", "term__school_year", "region")
    if current:
        qs = qs.filter(is_current=True)
    if level:
        qs = qs.filter(level=level)
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.order_by("-start_year", "level", "group__name", "teacher__name", "-pk")


PLAN_GROUP_KINDS = ("subject", "prep", "grade", "project", "studio")


def scope_region(scope: Scope) -> Region | None:
    """The region a 教研员 writes 区域研修计划 for (their first region role)."""
    ra = RoleAssignment.objects.filter(user_id=scope.user_id or 0, role__in=REGION_ROLES).select_related("region").first()
    return ra.region if ra else None


def plan_groups(scope: Scope, *, kinds: tuple[str, ...] | None = PLAN_GROUP_KINDS) -> QuerySet[Group]:
    """The groups the person may write a plan for: every active group of the school for its
    plan managers, the groups they lead for a 组长."""
    if scope.school_id is None:
        return Group.objects.none()
    qs = Group.objects.filter(school_id=scope.school_id, is_active=True)
    if kinds is not None:
        qs = qs.filter(kind__in=kinds)
    if not can.can_manage_school_plans(scope, scope.school_id):
        qs = qs.filter(pk__in=scope.led_group_ids)
    return qs.order_by("kind", "name")


def plan_group(plan: Plan, group_id: int | None) -> Group | None:
    """A group named for an item of `plan`: only one of the plan's school (None otherwise)."""
    if not group_id or plan.school_id is None:
        return None
    return Group.objects.filter(pk=group_id, school_id=plan.school_id).first()


def school_terms(school_id: int | None) -> QuerySet[Term]:
    """The school's terms, newest first (a plan's term choices)."""
    if school_id is None:
        return Term.objects.none()
    return Term.objects.filter(school_id=school_id).select_related("school_year").order_by("-start_date")


def school_teachers(school_id: int | None) -> QuerySet[Teacher]:
    """The school's active teachers by name (who hosts a weekly slot)."""
    if school_id is None:
        return Teacher.objects.none()
    return Teacher.objects.filter(school_id=school_id, is_active=True).order_by("name")


def scope_school(scope: Scope) -> School | None:
    """The school the person works in (None for region staff)."""
    if scope.school_id is None:
        return None
    if scope.teacher is not None and scope.teacher.school_id == scope.school_id:
        return scope.teacher.school
    return School.objects.filter(pk=scope.school_id).first()


@dataclass
class ItemStatus:
    item: PlanItem
    status: str  # held / scheduled / not_yet / dropped
    activities: list[Activity] = field(default_factory=list)
    overdue: bool = False

    LABELS = {"held": "已举行", "scheduled": "已安排", "not_yet": "未开展", "dropped": "已取消"}
    BADGES = {"held": "bg-green-lt", "scheduled": "bg-blue-lt", "not_yet": "bg-secondary-lt", "dropped": "bg-red-lt"}

    @property
    def label(self) -> str:
        return "逾期未开展" if self.overdue else self.LABELS[self.status]

    @property
    def badge(self) -> str:
        return "bg-orange-lt" if self.overdue else self.BADGES[self.status]

    @property
    def held_activities(self) -> list[Activity]:
        return [a for a in self.activities if a.status in HELD]

    @property
    def shown_activities(self) -> list[Activity]:
        return self.activities[:SHOWN_ACTIVITIES]

    @property
    def more_activities(self) -> int:
        return max(0, len(self.activities) - SHOWN_ACTIVITIES)


@dataclass
class PlanProgress:
    plan: Plan
    rows: list[ItemStatus]

    def _n(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def held(self) -> int:
        return self._n("held")

    @property
    def scheduled(self) -> int:
        return self._n("scheduled")

    @property
    def not_yet(self) -> int:
        return self._n("not_yet")

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue)

    @property
    def dropped(self) -> int:
        return self._n("dropped")

    @property
    def percent(self) -> int:
        """Share held of what is still planned (dropped items do not count against it)."""
        base = self.total - self.dropped
        return round(100 * self.held / base) if base else 0

    def by_month(self) -> list[tuple[str, list[ItemStatus]]]:
        out: dict[str, list[ItemStatus]] = {}
        for r in self.rows:
            it = r.item
            key = (
                "每周固定"
                if it.recurring
                else (f"第{it.week}周" if it.week and not it.month else f"{it.month}月" if it.month else "未定月份")
            )
            out.setdefault(key, []).append(r)
        return list(out.items())

    def as_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan.pk,
            "title": self.plan.title,
            "total": self.total,
            "held": self.held,
            "scheduled": self.scheduled,
            "not_yet": self.not_yet,
            "overdue": self.overdue,
            "dropped": self.dropped,
            "percent": self.percent,
        }


def _month_over(plan: Plan, month: int | None, on: dt.date) -> bool:
    if not month:
        return False
    year = plan.start_year if month >= 8 else plan.start_year + 1
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return on >= nxt


def _status(item: PlanItem, acts: list[Activity], plan: Plan, on: dt.date) -> ItemStatus:
    if item.state == ItemState.DROPPED:
        return ItemStatus(item, "dropped", acts)
    if item.state == ItemState.DONE or any(a.status in HELD for a in acts):
        return ItemStatus(item, "held", acts)
    if any(a.status in LIVE for a in acts):
        return ItemStatus(item, "scheduled", acts)
    return ItemStatus(item, "not_yet", acts, overdue=_month_over(plan, item.month, on))


def _item_order(item: PlanItem) -> tuple[bool, int, int, int, int]:
    month = MONTH_ORDER.index(item.month) if item.month in MONTH_ORDER else 99
    return (not item.recurring, month, item.week or 0, item.order, item.pk)


def plan_progress(plan: Plan, on: dt.date | None = None, activities_visible_to: Viewer | None = None) -> PlanProgress:
    """计划完成情况 of one plan: every item with its status and the activities behind it
    (two queries). Pass `activities_visible_to` (a user or scope) to list only the
    activities that viewer may open; the counts always use every activity."""
    from xiaoben.org.selectors import today

    on = on or today()
    items = sorted(plan.items.select_related("group", "person"), key=_item_order)
    acts = Activity.objects.filter(plan_item__plan=plan).exclude(status="cancelled").select_related("group")
    acts = acts.only("id", "title", "status", "starts_at", "group__name", "plan_item_id", "kind").order_by("starts_at", "id")
    by_item: dict[int, list[Activity]] = {}
    for a in acts:
        if a.plan_item_id is not None:
            by_item.setdefault(a.plan_item_id, []).append(a)
    return PlanProgress(plan, [_status(it, by_item.get(it.pk, []), plan, on) for it in items])


def progress_summaries(plans: list[Plan], on: dt.date | None = None) -> dict[int, dict[str, int]]:
    """Counts for many plans at once (home cards, the summary): two queries."""
    from xiaoben.org.selectors import today

    on = on or today()
    if not plans:
        return {}
    by_id = {p.pk: p for p in plans}
    items = (
        PlanItem.objects.filter(plan_id__in=list(by_id))
        .annotate(
            n_held=Count("activities", filter=Q(activities__status__in=HELD)),
            n_live=Count("activities", filter=Q(activities__status__in=LIVE)),
        )
        .only("id", "plan_id", "month", "state")
    )
    out = {pk: {"total": 0, "held": 0, "scheduled": 0, "not_yet": 0, "overdue": 0, "dropped": 0} for pk in by_id}
    for it in items:
        row = out[it.plan_id]
        row["total"] += 1
        if it.state == ItemState.DROPPED:
            row["dropped"] += 1
        elif it.state == ItemState.DONE or it.n_held:
            row["held"] += 1
        elif it.n_live:
            row["scheduled"] += 1
        else:
            row["not_yet"] += 1
            if _month_over(by_id[it.plan_id], it.month, on):
                row["overdue"] += 1
    for row in out.values():
        base = row["total"] - row["dropped"]
        row["percent"] = round(100 * row["held"] / base) if base else 0
    return out


def current_plans_for_term(*, user: Viewer, school_id: int, term: Term) -> list[Plan]:
    """The school's and groups' plans in force for `term` that the user sees (term
    plans of that term, year plans of its school year)."""
    qs = plan_list(user=user, school_id=school_id).filter(level__in=[PlanLevel.SCHOOL, PlanLevel.GROUP])
    qs = qs.filter(Q(term=term) | Q(span="year", start_year=term.school_year.start_year))
    return list(qs)


def term_summary_section(*, school: School, term: Term, user: Viewer | None = None) -> dict[str, Any]:
    """计划完成情况 for the term summary: the school plan and each group plan with its
    counts, and the items not held (a section provider for reports' summary)."""
    qs = Plan.objects.filter(school=school, is_current=True, level__in=[PlanLevel.SCHOOL, PlanLevel.GROUP])
    qs = qs.filter(Q(term=term) | Q(span="year", start_year=term.school_year.start_year)).select_related("group")
    plans = list(qs.order_by("level", "group__name"))
    if user is not None:
        visible = set(visible_to(user, Plan).filter(pk__in=[p.pk for p in plans]).values_list("pk", flat=True))
        plans = [p for p in plans if p.pk in visible]
    sums = progress_summaries(plans)
    rows = [{"plan": p, "owner": p.owner_label, **sums[p.pk]} for p in plans]
    missed = list(
        PlanItem.objects.filter(plan__in=plans, state=ItemState.OPEN)
        .exclude(activities__status__in=HELD)
        .select_related("plan__group")
        .order_by("plan_id", "month", "order")[:50]
    )
    text = "；".join(f"{r['owner']}计划安排{r['total']}项，已开展{r['held']}项，取消{r['dropped']}项" for r in rows)
    return {"title": "计划完成情况", "rows": rows, "missed": missed, "text": (text + "。") if text else "本学期没有计划。"}
