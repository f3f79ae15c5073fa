"""Mentorship quotas, e.g. 徒弟听师傅的课每年不少于30节: observations between the two
people of an active pair in the observation's school year."""

from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xiaoben.core.records import RecordRow
from xiaoben.observations.models import Observation, ObservationKind
from xiaoben.requirements.audiences import AudienceContext, AudienceKind, register_audience
from xiaoben.requirements.registry import Choice, PlanPhrase, QueryMetric, Starter, register

COUNTED = Observation.COUNTED
# the two metrics a 师徒 quota is a requirement on (`selectors.quota_requirements`)
MENTEE_METRIC = "mentoring.mentee_observed_mentor"
MENTOR_METRIC = "mentoring.mentor_observed_mentee"
KINDS = {"kinds": Choice("课型", "kind__in", tuple(ObservationKind.choices))}


def _row(o: Observation) -> RecordRow:
    return RecordRow(
        date=o.lesson_date,
        title=f"{o.observer.name}听{o.teacher.name}的课" + (f"《{o.lesson_title}》" if o.lesson_title else ""),
        detail=o.get_kind_display(),
        url=reverse("observations:detail", args=[o.pk]),
    )


register(
    QueryMetric(
        key=MENTEE_METRIC,
        label="听师傅的课",
        unit="节",
        model=Observation,
        teacher="observer",
        date="lesson_date",
        filters=KINDS,
        base=COUNTED
        & Q(
            observer__mentorships_as_mentee__mentor_id=F("teacher_id"),
            observer__mentorships_as_mentee__is_active=True,
            observer__mentorships_as_mentee__school_year_id=F("term__school_year_id"),
        ),
        help="徒弟听本人师傅的课（结对当学年）",
        describe_row=_row,
        records_select=("observer", "teacher"),
        plan_phrases=(PlanPhrase(r"徒弟.{0,6}听.{0,4}师傅|听师傅", "徒弟听师傅的课", rank=10, applies_to="mentees"),),
        starters=(Starter("mentee_observes_30", "徒弟听师傅的课每年不少于30节", "school_year", 30, rank=90, applies_to="mentees"),),
    )
)

register(
    QueryMetric(
        key=MENTOR_METRIC,
        label="听徒弟的课",
        unit="节",
        model=Observation,
        teacher="observer",
        date="lesson_date",
        filters=KINDS,
        base=COUNTED
        & Q(
            observer__mentorships_as_mentor__mentee_id=F("teacher_id"),
            observer__mentorships_as_mentor__is_active=True,
            observer__mentorships_as_mentor__school_year_id=F("term__school_year_id"),
        ),
        help="师傅听本人徒弟的课（结对当学年）",
        describe_row=_row,
        records_select=("observer", "teacher"),
        plan_phrases=(PlanPhrase(r"师傅.{0,6}听.{0,4}徒弟|听徒弟", "师傅听徒弟的课", rank=11, applies_to="mentors"),),
    )
)


# 师傅 and 徒弟: the people in an active pair of the term's school year (requirements'
# audiences registry; the engine knows nothing about mentoring).
def _pairs(ctx: AudienceContext) -> list[tuple[int, int]]:
    from .models import Mentorship

    return ctx.cached(
        "mentorships",
        lambda: list(
            Mentorship.objects.filter(school_id=ctx.school.pk, school_year_id=ctx.term.school_year_id, is_active=True).values_list(
                "mentor_id", "mentee_id"
            )
        ),
    )


register_audience(AudienceKind("mentors", _("师傅"), lambda ctx, r: {m for m, _e in _pairs(ctx)}, rank=40))
register_audience(AudienceKind("mentees", _("徒弟"), lambda ctx, r: {e for _m, e in _pairs(ctx)}, rank=50))
