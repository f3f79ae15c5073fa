"""What the requirements engine can count from 成果与荣誉: only verified achievements.

"每学年至少一篇论文获奖或发表" = research.achievements with kinds 论文发表、论文获奖,
period school year, threshold 1. A joint paper counts once for each credited teacher."""

from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.requirements.registry import Choice, QueryMetric, register

from .models import AchievementCredit, AchievementKind, Level

COUNTED = AchievementCredit.COUNTED  # defined once, on the model


def _row(c: AchievementCredit) -> RecordRow:
    a = c.achievement
    return RecordRow(
        date=a.date,
        title=a.title,
        detail=f"{a.get_kind_display()} · {a.award_label}",
        url=reverse("research:achievement_detail", args=[a.pk]),
    )


FILTERS = {
    "kinds": Choice("成果类别", "achievement__kind__in", tuple(AchievementKind.choices)),
    "levels": Choice("级别", "achievement__level__in", tuple(Level.choices)),
}

register(
    QueryMetric(
        key="research.achievements",
        label="成果",
        unit="项",
        model=AchievementCredit,
        teacher="teacher",
        date="achievement__date",
        base=COUNTED,
        filters=FILTERS,
        help="已认定的成果与荣誉（论文发表/获奖、优质课、比赛、指导学生…），合作成果每位署名教师各计一项",
        describe_row=_row,
        records_select=("achievement",),
        filter_names_the_thing=True,
    )
)

register(
    QueryMetric(
        key="research.points",
        label="成果奖励积分",
        unit="分",
        model=AchievementCredit,
        teacher="teacher",
        date="achievement__date",
        sum="points",
        base=COUNTED,
        filters=FILTERS,
        help="已认定成果按学校奖励规则计算的积分（合作成果按份额）",
        describe_row=_row,
        records_select=("achievement",),
    )
)
