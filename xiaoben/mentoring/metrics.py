"""Mentorship quotas, e.g. 徒弟听师傅的课每年不少于30节: observations between the two
people of an active pair in the observation's school year."""

from django.db.models import F, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.observations.models import Observation
from xiaoben.requirements.registry import QueryMetric, register, register_pairs

from .models import Mentorship

COUNTED = Q(status="submitted")


def _row(o: Observation) -> RecordRow:
    return RecordRow(
        date=o.lesson_date,
        title=f"{o.observer.name}听{o.teacher.name}的课" + (f"《{o.lesson_title}》" if o.lesson_title else ""),
        detail=o.get_kind_display(),
        url=reverse("observations:detail", args=[o.pk]),
    )


register(
    QueryMetric(
        key="mentoring.mentee_observed_mentor",
        label="听师傅的课",
        unit="节",
        model=Observation,
        teacher="observer",
        date="lesson_date",
        base=COUNTED
        & Q(
            observer__mentorships_as_mentee__mentor_id=F("teacher_id"),
            observer__mentorships_as_mentee__is_active=True,
            observer__mentorships_as_mentee__school_year_id=F("term__school_year_id"),
        ),
        help="徒弟听本人师傅的课（结对当学年）",
        describe_row=_row,
        records_select=("observer", "teacher"),
    )
)

register(
    QueryMetric(
        key="mentoring.mentor_observed_mentee",
        label="听徒弟的课",
        unit="节",
        model=Observation,
        teacher="observer",
        date="lesson_date",
        base=COUNTED
        & Q(
            observer__mentorships_as_mentor__mentee_id=F("teacher_id"),
            observer__mentorships_as_mentor__is_active=True,
            observer__mentorships_as_mentor__school_year_id=F("term__school_year_id"),
        ),
        help="师傅听本人徒弟的课（结对当学年）",
        describe_row=_row,
        records_select=("observer", "teacher"),
    )
)


def _pairs(school_id: int, school_year_id: int) -> list[tuple[int, int]]:
    return list(
        Mentorship.objects.filter(school_id=school_id, school_year_id=school_year_id, is_active=True).values_list("mentor_id", "mentee_id")
    )


register_pairs(_pairs)
