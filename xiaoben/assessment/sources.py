"""Where computed items get their numbers. A source takes the scheme, its items of
that source and the teachers, and answers {(teacher_id, item_id): Evidence} in a fixed
number of queries for the whole school. New sources plug in with `register()`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum
from django.urls import reverse

from xiaoben.core.formatting import amount

from .models import ItemSource

ONE = Decimal("0.1")


@dataclass
class Evidence:
    done: Decimal
    required: Decimal
    text: str = ""
    url: str = ""


def points_for(points: Decimal, done: Decimal, required: Decimal) -> Decimal:
    """分值 × min(1, 完成/要求); nothing required → full points."""
    if required <= 0:
        return Decimal(points).quantize(ONE)
    share = min(Decimal(1), Decimal(done) / Decimal(required))
    return (Decimal(points) * share).quantize(ONE, rounding=ROUND_HALF_UP)


Source = Callable[..., dict[tuple[int, int], Evidence]]
_SOURCES: dict[str, Source] = {}


def register(key: str):
    def deco(fn: Source) -> Source:
        _SOURCES[key] = fn
        return fn

    return deco


def compute(scheme, items, teachers) -> dict[tuple[int, int], Evidence]:
    out: dict[tuple[int, int], Evidence] = {}
    by_source: dict[str, list] = {}
    for item in items:
        if item.is_computed:
            by_source.setdefault(item.source, []).append(item)
    for key, its in by_source.items():
        fn = _SOURCES.get(key)
        if fn is not None:
            out.update(fn(scheme=scheme, items=its, teachers=teachers))
    return out


@register(ItemSource.REQUIREMENT)
def from_requirements(*, scheme, items, teachers):
    """Progress from the requirements engine: one computation for the whole school."""
    try:
        from xiaoben.requirements.engine import progress_for_school
    except ImportError:  # the engine is optional: without it these items score 0
        return {}
    wanted = [i for i in items if i.requirement_id]
    if not wanted:
        return {}
    on = min(scheme.term.end_date, _today())
    grid = progress_for_school(scheme.school, scheme.term, on=on)
    if grid is None:
        return {}
    out = {}
    for t in teachers:
        for item in wanted:
            p = grid.cell(t.pk, item.requirement_id)
            if p is None:  # the requirement doesn't apply to this teacher: full marks
                out[(t.pk, item.pk)] = Evidence(Decimal(0), Decimal(0), "该要求不适用于本人，计满分")
                continue
            target = p.required if p.requirement.is_bucketed else p.target
            out[(t.pk, item.pk)] = Evidence(
                Decimal(p.done),
                Decimal(target),
                f"{p.requirement.name}：完成 {amount(p.done)}，要求 {amount(target)}（{p.status_label}）",
                p.url,
            )
    return out


@register(ItemSource.HOURS)
def from_hours(*, scheme, items, teachers):
    """学时 of the term (entries of this term), one GROUP BY per category used."""
    from xiaoben.hours.models import HourCategory, HourEntry
    from xiaoben.hours.selectors import targets_for
    from xiaoben.requirements.periods import scaled_target, term_window

    out = {}
    # half the year's 学时 target, read where hours keeps it (one default, in hours)
    default_target = targets_for(scheme.school, scheme.term.start_date.year).year / 2
    cats = {i.hours_category for i in items}
    totals: dict[str, dict[int, Decimal]] = {}
    for cat in cats:
        qs = HourEntry.objects.counted().filter(school_id=scheme.school_id, term_id=scheme.term_id)
        if cat:
            qs = qs.filter(category=cat)
        totals[cat] = dict(qs.order_by().values("teacher_id").annotate(s=Sum("hours")).values_list("teacher_id", "s"))
    labels = dict(HourCategory.choices)
    window = term_window(scheme.term, scheme.term.end_date)
    for t in teachers:
        share = window.share_of_period(t.judged_from(scheme.term.start_date))  # a joiner owes their part of the term
        for item in items:
            target = item.hours_target if item.hours_target is not None else default_target
            target = scaled_target(Decimal(target), share) if target else Decimal(target)
            done = Decimal(totals[item.hours_category].get(t.pk) or 0)
            what = labels.get(item.hours_category, "全部类别") if item.hours_category else "全部类别"
            out[(t.pk, item.pk)] = Evidence(
                done,
                Decimal(target),
                f"本学期学时（{what}）{amount(done)}，要求 {amount(target)}",
                reverse("hours:teacher_ledger", args=[t.pk]) + f"?year={scheme.term.start_date.year}",
            )
    return out


def _today():
    from xiaoben.org.selectors import today

    return today()
