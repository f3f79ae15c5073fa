"""What the requirements engine can count from 研修活动.

Only activities that took place count (held, recorded, archived)."""

from django.db.models import F, Q
from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, QueryMetric, register

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
        base=Q(status="present", activity__status__in=TOOK_PLACE),
        filters=KINDS,
        help="已签到的研修活动次数，可按活动类型筛选（如集体备课）",
        describe_row=_row,
        records_select=("activity",),
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
    )
)
