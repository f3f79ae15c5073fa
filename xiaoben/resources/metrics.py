"""What the requirements engine can count from the resource library: resources a teacher
shared (每学期上传优质资源不少于2件), by kind. Private ones do not count."""

from django.db.models import Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, QueryMetric, register

from .models import Resource, ResourceKind


def _row(r: Resource) -> RecordRow:
    return RecordRow(
        date=r.created_at.date() if r.created_at else None,
        title=r.title,
        detail=f"{r.get_kind_display()} · {r.get_visibility_display()}",
        url=reverse("resources:detail", args=[r.pk]),
    )


register(
    QueryMetric(
        key="resources.shared",
        label="上传资源",
        unit="件",
        model=Resource,
        teacher="author",
        date="created_at",
        is_datetime=True,
        base=~Q(visibility="private"),
        filters={"kinds": Choice("资源类型", "kind__in", tuple(ResourceKind.choices))},
        help="共享到本组、本校或区域的资源件数（仅自己可见的不计），可按类型筛选",
        filter_names_the_thing=True,
        describe_row=_row,
    )
)
