"""成长档案袋 parts (reports' portfolio registry): the teacher's verified achievements of the
school year and the projects they lead or belong to. Only verified achievements appear."""

from __future__ import annotations

from django.db.models import Q

from xiaoben.reportkit.portfolio import PortfolioPart, portfolio_part

from .models import AchievementCredit, ResearchProject


@portfolio_part
def achievements_part(teacher, school_year, terms):
    if not terms:
        return None
    start, end = min(t.start_date for t in terms), max(t.end_date for t in terms)
    credits = (
        AchievementCredit.objects.filter(
            AchievementCredit.COUNTED,
            teacher=teacher,
            achievement__date__gte=start,
            achievement__date__lte=end,
        )
        .select_related("achievement")
        .order_by("achievement__date")
    )
    rows = [
        [
            f"{c.achievement.date:%Y-%m-%d}",
            c.achievement.get_kind_display(),
            c.achievement.title,
            c.achievement.award_label,
            c.achievement.issuer,
        ]
        for c in credits
    ]
    return PortfolioPart("成果与荣誉（已认定）", ["日期", "类别", "名称", "级别等次", "颁发单位/刊物"], rows)


@portfolio_part
def projects_part(teacher, school_year, terms):
    qs = ResearchProject.objects.filter(Q(leader=teacher) | Q(memberships__teacher=teacher)).distinct().order_by("-created_at")
    rows = [
        [p.title, p.get_level_display(), "主持人" if p.leader_id == teacher.pk else "成员", p.get_stage_display(), p.number] for p in qs
    ]
    return PortfolioPart("课题研究", ["课题", "级别", "角色", "阶段", "立项编号"], rows)
