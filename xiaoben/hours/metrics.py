"""What the requirements engine can count from the 学时 ledger: hours, by category.
What counts is `HourEntry.COUNTED` (a line not deleted)."""

from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, PlanPhrase, QueryMetric, register

from .models import HourCategory, HourEntry


def _row(e: HourEntry) -> RecordRow:
    return RecordRow(
        date=e.date,
        title=e.description or e.get_source_display(),
        detail=f"{e.get_category_display()} · {e.hours}学时",
        url=_url(e),
    )


def _url(e: HourEntry) -> str | None:
    """The record behind the credit: the activity, or the approved claim."""
    if e.activity_id:
        return reverse("activities:detail", args=[e.activity_id])
    if e.source_ref.startswith("claim:") and e.source_ref[6:].isdigit():
        return reverse("hours:claim_detail", args=[int(e.source_ref[6:])])
    return None


register(
    QueryMetric(
        key="hours.total",
        label="学时",
        unit="学时",
        model=HourEntry,
        teacher="teacher",
        date="date",
        sum="hours",
        base=HourEntry.COUNTED,
        filters={"categories": Choice("类别", "category__in", tuple(HourCategory.choices))},
        help="学时台账合计（未删除的记录），可按类别筛选",
        describe_row=_row,
        plan_phrases=(PlanPhrase(r"学时", "培训学时", rank=34, counts_duration=True),),
    )
)
