"""What the requirements engine can count from the 学时 ledger: hours, by category."""

from xiaoben.requirements.registry import Choice, QueryMetric, RecordRow, register

from .models import HourCategory, HourEntry


def _row(e: HourEntry) -> RecordRow:
    return RecordRow(
        date=e.date,
        title=e.description or e.get_source_display(),
        detail=f"{e.get_category_display()} · {e.hours}学时",
        url=None,
    )


register(
    QueryMetric(
        key="hours.total",
        label="学时",
        unit="学时",
        model=HourEntry,
        teacher="teacher",
        date="date",
        sum="hours",
        filters={"categories": Choice("类别", "category__in", tuple(HourCategory.choices))},
        help="学时台账合计（未删除的记录），可按类别筛选",
        describe_row=_row,
    )
)
