"""What the requirements engine can count from 听课记录 (see requirements/registry.py).

What counts is `Observation.COUNTED` (submitted, not deleted)."""

from django.db.models import F, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, PlanPhrase, QueryMetric, Starter, register

from .models import Observation, ObservationKind

COUNTED = Observation.COUNTED
KINDS = {"kinds": Choice("课型", "kind__in", tuple(ObservationKind.choices))}


def _row(o: Observation) -> RecordRow:
    title = o.lesson_title or "听课"
    return RecordRow(
        date=o.lesson_date,
        title=f"{o.teacher.name}《{title}》" if o.lesson_title else f"听{o.teacher.name}的课",
        detail=o.get_kind_display(),
        url=reverse("observations:detail", args=[o.pk]),
    )


def _row_received(o: Observation) -> RecordRow:
    return RecordRow(
        date=o.lesson_date,
        title=f"{o.observer.name}听课" + (f"《{o.lesson_title}》" if o.lesson_title else ""),
        detail=o.get_kind_display(),
        url=reverse("observations:detail", args=[o.pk]),
    )


register(
    QueryMetric(
        key="observations.given",
        label="听课",
        unit="节",
        model=Observation,
        teacher="observer",
        date="lesson_date",
        base=COUNTED,
        filters=KINDS,
        help="本人听别人的课（已提交的听课记录），可按课型筛选",
        describe_row=_row,
        records_select=("teacher",),
        plan_phrases=(PlanPhrase(r"听.{0,3}课", "听课", rank=29),),
        starters=(Starter("observe_20", "每学期听课不少于20节", "term", 20, rank=10),),
    )
)

register(
    QueryMetric(
        key="observations.received",
        label="被听课",
        unit="节",
        model=Observation,
        teacher="teacher",
        date="lesson_date",
        base=COUNTED & ~Q(observer_id=F("teacher_id")),
        filters=KINDS,
        help="别人听本人的课，可按课型筛选",
        describe_row=_row_received,
        records_select=("observer",),
    )
)
