"""From plan to activities: one click turns a month's 月度安排 items into draft
activities for the groups that run them (the 教研组长 completes the 四定 and
publishes), and a recurring item (每周五集体备课) into a weekly slot. Each activity
remembers the item it fulfils (`Activity.plan_item`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from xiaoben.activities.models import Activity, ActivitySlot
from xiaoben.activities.services import activity_create
from xiaoben.activities.services_slots import slot_create
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.org.models import Group, Teacher, Term

from . import predicates as can
from .models import ItemOwner, ItemState, Plan, PlanItem, PlanLevel, PlanSpan
from .services import _actor_name, _group_leader_users


def month_date(plan: Plan, month: int) -> dt.date:
    """The 15th of `month` in the plan's school year (Sep–Dec in the first calendar year)."""
    year = plan.start_year if month >= 8 else plan.start_year + 1
    return dt.date(year, month, 15)


def term_for_month(plan: Plan, month: int | None) -> Term | None:
    if plan.span == PlanSpan.TERM and plan.term_id:
        return plan.term
    if month is None or plan.school_id is None:
        return None
    day = month_date(plan, month)
    term = Term.objects.filter(school_id=plan.school_id, start_date__lte=day, end_date__gte=day).first()
    if term is None:  # a month at the edge (August, February before term): the nearest term of that year
        term = Term.objects.filter(school_id=plan.school_id, school_year__start_year=plan.start_year).order_by("start_date").first()
    return term


def week_term(plan: Plan) -> Term | None:
    """The term a plan's week numbers (第N周) count in: a term plan's own term; for a school-year
    plan, its first term (a year plan that names weeks without months writes the first term's)."""
    if plan.span == PlanSpan.TERM and plan.term_id:
        return plan.term
    if plan.school_id is None:
        return None
    return Term.objects.filter(school_id=plan.school_id, school_year__start_year=plan.start_year).order_by("start_date").first()


def week_month(term: Term, week: int) -> int:
    """The month a teaching week falls in: its Wednesday, kept inside the term (week 1 may
    start before term and the last week end after it)."""
    monday, _ = term.week_range(week)
    middle = min(max(monday + dt.timedelta(days=2), term.start_date), term.end_date)
    return middle.month


def item_months(plan: Plan, items: Iterable[PlanItem]) -> dict[int, int]:
    """Each dated item's month: its own, or for a week-only item (第3周：… without a month)
    the month its week falls in. Recurring items have none. One query at most (a year plan's term)."""
    out: dict[int, int] = {}
    term: Term | None = None
    looked = False
    for it in items:
        if it.recurring:
            continue
        if it.month:
            out[it.pk] = it.month
        elif it.week:
            if not looked:
                term, looked = week_term(plan), True
            if term is not None:
                out[it.pk] = week_month(term, it.week)
    return out


def _groups_for(plan: Plan, item: PlanItem) -> list[Group | None]:
    """Who runs the item: a group plan's own group; a school plan's named group, every
    active 教研组 (各教研组), or the school itself (None)."""
    if plan.level == PlanLevel.GROUP:
        return [plan.group]
    if item.owner == ItemOwner.GROUP and item.group_id:
        return [item.group]
    if item.owner == ItemOwner.GROUPS:
        if plan.school_id is None:
            return []
        return list(Group.objects.filter(school_id=plan.school_id, kind="subject", is_active=True).order_by("name"))
    return [None]


def _activity_title(item: PlanItem) -> str:
    if item.topic and item.topic not in item.title:
        return f"{item.title}：{item.topic}"[:200]
    return item.title[:200]


@transaction.atomic
def items_schedule_month(*, actor: Scope, plan: Plan, month: int) -> list[Activity]:
    """一键生成: draft activities (计划中) for the month's items that are activities and
    have none yet, one per running group — the items of that month and the week-only items
    (第3周：…) whose week falls in it. Idempotent: running it twice adds nothing. The
    description names the item, not the plan (the activity is read by people the plan may
    not be shown to; the plan is linked through the door on the activity's page)."""

    require(can.can_schedule_items(actor, plan), "只有学校管理员或本组组长可以按计划生成活动。")
    if plan.school_id is None:
        raise ValidationError("区域计划的活动请在区域活动中安排。")
    if not 1 <= int(month) <= 12:
        raise ValidationError("月份无效。")
    candidates = [
        it
        for it in plan.items.filter(Q(month=month) | Q(month__isnull=True, week__isnull=False), weekday__isnull=True, state=ItemState.OPEN)
        .select_related("group", "person")
        .order_by("week", "order", "id")
        if it.makes_activities
    ]
    months = item_months(plan, candidates)
    items = [it for it in candidates if months.get(it.pk) == month]  # week-only items whose week falls in the month
    if not items:
        raise ValidationError(f"{month}月没有可以生成活动的安排。")
    term = term_for_month(plan, month)
    if term is None:
        raise ValidationError("找不到这个月所在的学期，请先在学校设置中建立学期。")
    have = set(Activity.objects.filter(plan_item__in=items).values_list("plan_item_id", "group_id"))
    created = []
    for item in items:
        for group in _groups_for(plan, item):
            if (item.pk, group.pk if group else None) in have:
                continue
            lesson_kind = item.lesson_kind if item.kind == "open_lesson" else ""
            created.append(
                activity_create(
                    actor=actor,
                    school=plan.school,
                    term=term,
                    group=group,
                    kind=item.kind,
                    lesson_kind=lesson_kind,
                    title=_activity_title(item),
                    host=item.person if item.person_id else None,
                    description=f"按研修计划{item.when_label if item.week else f'{month}月'}安排：{item.title}",
                    plan_item=item,
                )
            )
    by_group: dict[int, list[Activity]] = {}
    for a in created:
        if a.group_id:
            by_group.setdefault(a.group_id, []).append(a)
    for group_id, acts in by_group.items():
        leaders = [u for u in _group_leader_users([group_id]) if u != actor.user_id]
        if leaders:
            notify(
                "plans.scheduled",
                recipients=leaders,
                target=acts[0],
                context={
                    "actor": _actor_name(actor),
                    "title": plan.title,
                    "group": acts[0].group.name if acts[0].group else "",
                    "count": len(acts),
                },
                url=reverse("activities:list"),
            )
    return created


@transaction.atomic
def item_make_slot(
    *,
    actor: Scope,
    item: PlanItem,
    group: Group,
    period: int,
    place: str = "",
    host: Teacher | None = None,
    recorder: Teacher | None = None,
    start: dt.date | None = None,
) -> tuple[ActivitySlot, list[Activity]]:
    """每周五集体备课 → a weekly slot of the group for the plan's term: one draft activity
    per teaching week (holiday weeks skipped), each remembering the item."""
    plan = item.plan
    require(can.can_schedule_items(actor, plan), "只有学校管理员或本组组长可以按计划排固定活动。")
    if item.weekday is None:
        raise ValidationError("这一事项没有固定的星期，不是每周的活动。")
    if group.school_id != plan.school_id:
        raise NotPermitted()
    if not (group.pk in actor.led_group_ids or can.can_manage_school_plans(actor, plan.school_id)):
        raise NotPermitted("只能为自己负责的小组排固定活动。")
    term = plan.term if plan.term_id else term_for_month(plan, item.month or 9)
    if term is None:
        raise ValidationError("找不到计划所在的学期。")
    kind = item.kind if item.makes_activities else "seminar"
    school = plan.school
    if school is None:  # the group's school is the plan's: a region plan has no groups to schedule
        raise ValidationError("区域计划的活动请在区域活动中安排。")
    slot, activities = slot_create(
        actor=actor,
        school=school,
        term=term,
        group=group,
        kind=kind,
        title=(item.topic or item.title)[:200],
        weekday=item.weekday,
        period=int(period),
        place=place or "",
        host=host,
        recorder=recorder,
        start=start,
        publish=False,
    )
    Activity.objects.filter(slot=slot).update(plan_item=item)
    item.slot = slot
    item.save(update_fields=["slot", "updated_at"])
    return slot, activities
