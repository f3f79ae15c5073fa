"""What the requirements engine can count from 研修活动.

Only activities that took place count (held, recorded, archived); an attendance counts as
`Attendance.COUNTED` says (signed in, not an unaccepted 列席)."""

from django.db.models import F, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, PlanPhrase, QueryMetric, Starter, register

from .models import Activity, ActivityKind, Attendance, OpenLessonKind

TOOK_PLACE = ["held", "recorded", "archived"]
PUBLIC_LESSON_KINDS = ["open_lesson", "same_topic", "lesson_study"]
KINDS = {"kinds": Choice("活动类型", "activity__kind__in", tuple(ActivityKind.choices))}


def _row(a: Attendance) -> RecordRow:
    act = a.activity
    return RecordRow(
        date=getattr(a, "_day", None),
        title=act.title,
        detail=f"{act.get_kind_display()} · {a.get_role_display()}",
        url=reverse("activities:detail", args=[act.pk]),
    )


def _activity_row(act) -> RecordRow:
    return RecordRow(
        date=getattr(act, "_day", None),
        title=act.title,
        detail=f"{act.get_kind_display()}" + (f" · {act.group.name}" if act.group_id else ""),
        url=reverse("activities:detail", args=[act.pk]),
    )


# The host of an activity: its 主持人/中心发言人 field, or a host/speaker role in its sign-in list.
HOSTING = Q(role__in=["host", "speaker"]) | Q(activity__host_id=F("teacher_id"))

register(
    QueryMetric(
        key="activities.attended",
        label="参加研修活动",
        unit="次",
        model=Attendance,
        teacher="teacher",
        date="activity__starts_at",
        is_datetime=True,
        base=Attendance.COUNTED,
        filters=KINDS,
        help="已签到的研修活动次数，可按活动类型筛选（如集体备课）",
        describe_row=_row,
        records_select=("activity",),
        # 参加…: with 组织/安排 in the clause, what the group leaders organise (activities.organised)
        plan_phrases=(
            PlanPhrase(
                r"读书(?:交流|沙龙|分享|会)",
                "参加读书交流",
                rank=22,
                filters={"kinds": ["reading"]},
                organised=("activities.organised", {"kinds": ["reading"]}),
                organising_alone=True,
            ),
            PlanPhrase(
                r"集体备课",
                "参加集体备课",
                rank=31,
                filters={"kinds": ["lesson_prep"]},
                organised=("activities.organised", {"kinds": ["lesson_prep"]}),
                organising_alone=True,
            ),
            PlanPhrase(
                r"讲座",
                "参加专题讲座",
                rank=32,
                filters={"kinds": ["lecture"]},
                organised=("activities.organised", {"kinds": ["lecture"]}),
                organising_alone=True,
            ),
            PlanPhrase(
                r"教研组?(?:活动|教研)|校本教研活动|研修活动|业务学习",
                "参加教研活动",
                rank=33,
                organised=("activities.organised", {}),
                organising_alone=True,
            ),
        ),
    )
)

register(
    QueryMetric(
        key="activities.hosted",
        label="主持/中心发言",
        unit="次",
        model=Attendance,
        teacher="teacher",
        date="activity__starts_at",
        is_datetime=True,
        base=Q(activity__status__in=TOOK_PLACE) & HOSTING,
        filters=KINDS,
        help="担任主持人或中心发言人的活动次数，可按活动类型筛选（如集体备课中心发言）",
        describe_row=_row,
        records_select=("activity",),
        plan_phrases=(PlanPhrase(r"中心发言|主备|主讲", "集体备课中心发言", rank=28, filters={"kinds": ["lesson_prep"]}),),
        starters=(Starter("prep_speaker", "每学期集体备课中心发言一次", "term", 1, rank=50, filters={"kinds": ["lesson_prep"]}),),
    )
)

register(
    QueryMetric(
        key="activities.public_lessons_given",
        label="上公开课",
        unit="节",
        model=Attendance,
        teacher="teacher",
        date="activity__starts_at",
        is_datetime=True,
        base=Q(activity__status__in=TOOK_PLACE, activity__kind__in=PUBLIC_LESSON_KINDS) & HOSTING,
        filters={"lesson_kinds": Choice("课型", "activity__lesson_kind__in", tuple(OpenLessonKind.choices))},
        help="本人执教（主持/主讲）的公开课、同课异构、一课多研",
        describe_row=_row,
        records_select=("activity",),
        plan_phrases=(
            PlanPhrase(
                r"公开课|示范课|研讨课|汇报课|展示课|观摩课|公开教学|优质课",
                "上公开课",
                rank=30,
                organised=("activities.organised", {"kinds": ["open_lesson"]}),
            ),
        ),
        starters=(Starter("open_lesson", "每学期上一节公开课", "term", 1, rank=40),),
    )
)


register(
    QueryMetric(
        key="activities.organised",
        label="组织小组活动",
        unit="次",
        model=Activity,
        teacher="group__memberships__teacher",
        date="starts_at",
        is_datetime=True,
        base=Q(status__in=TOOK_PLACE, group__memberships__role__in=["leader", "deputy"]),
        filters={"kinds": Choice("活动类型", "kind__in", tuple(ActivityKind.choices))},
        help="本人任组长的小组举行的活动次数（组长组织教研组活动）",
        describe_row=_activity_row,
        records_select=("group",),
        starters=(
            Starter("leader_weekly", "每周组织一次教研组活动", "week", 1, rank=80, applies_to="group_leaders", group_kind="subject"),
        ),
    )
)
