"""计划完成情况 for the 学期/学年工作总结: how many of the plans' 月度安排 items were held,
dropped or not held, each number linking to its items, and the items not held as
hints for 存在问题.

A provider of the reports app's section registry (`xiaoben.reportkit.summary`);
`selectors.term_summary_section` gives the same facts as a dict (API, home)."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.reportkit.summary import P, Section, section

from .models import ItemState, Plan, PlanItem, PlanLevel
from .selectors import HELD


def _row(item: PlanItem) -> RecordRow:
    when = item.when_label
    return RecordRow(
        date=None,
        title=f"{when} {item.title}",
        detail=f"{item.plan.owner_label} · {item.get_kind_display()} · {item.get_state_display()}",
        url=reverse("plans:detail", args=[item.plan_id]),
    )


def plans_for(period):
    years = sorted({t.school_year.start_year for t in period.terms})
    qs = Plan.objects.filter(school_id__in=period.school_ids, is_current=True, level__in=[PlanLevel.SCHOOL, PlanLevel.GROUP])
    qs = qs.filter(Q(term_id__in=period.term_ids) | Q(span="year", start_year__in=years))
    if period.group is not None:
        qs = qs.filter(level=PlanLevel.GROUP, group_id__in=period.group_ids)
    return qs


@section("plans", title="计划完成情况", order=15, levels=("school", "group"))
def plans_section(period):
    from xiaoben.activities.models import Activity

    items = PlanItem.objects.filter(plan__in=plans_for(period)).select_related("plan__group", "plan__school", "plan__teacher")
    if not items.exists():
        return None
    held_activity = Activity.objects.filter(plan_item=OuterRef("pk"), status__in=HELD)
    items = items.annotate(was_held=Exists(held_activity))
    is_held = (Q(was_held=True) | Q(state=ItemState.DONE)) & ~Q(state=ItemState.DROPPED)
    total = period.figure("plans.items", "计划安排的研修事项", items, unit="项", describe=_row)
    held = period.figure("plans.held", "已开展的计划事项", items.filter(is_held), unit="项", describe=_row)
    dropped = period.figure("plans.dropped", "取消的计划事项", items.filter(state=ItemState.DROPPED), unit="项", describe=_row)
    missed_qs = items.exclude(is_held).exclude(state=ItemState.DROPPED)
    missed = period.figure("plans.not_held", "未开展的计划事项", missed_qs, unit="项", describe=_row)
    base = total.value - dropped.value
    share = f"{round(100 * held.value / base)}%" if base else "—"
    text = f"{period.word}计划中安排研修事项{{total}}，已开展{{held}}（完成率{share}），取消{{dropped}}，未开展{{missed}}。"
    sec = Section(paragraphs=[P(text, total=total, held=held, dropped=dropped, missed=missed)])
    names = [f"{i.when_label}{i.title}" for i in missed_qs.order_by("plan_id", "month", "order")[:5]]
    if names:
        sec.problems.append(f"计划中的{'、'.join(names)}{'等' if missed.value > len(names) else ''}未能开展。")
        sec.next_steps.append("未开展的计划事项，下学期计划中予以调整或落实。")
    return sec
