"""工作总结 section 课题研究与成果 (reports' section registry): the sentences the seeds write —
"学校在研课题7项，其中国家级课题1项，省级课题4项…", "发表论文3篇，其中国家级2篇", "获市级以上奖励N人次" —
each number a Figure whose rows are the projects, achievements or credits behind it.
Only verified achievements count; a joint one is one 项/篇 and one 人次 per teacher."""

from __future__ import annotations

from django.urls import reverse

from xiaoben.core.records import RecordRow
from xiaoben.reportkit.summary import P, Section, section

from .models import (
    ACTIVE_STAGES,
    CITY_AND_ABOVE,
    Achievement,
    AchievementCredit,
    AchievementKind,
    Level,
    ProjectStage,
    ResearchProject,
    Stage,
)

KINDS = [
    (AchievementKind.PAPER_PUBLISHED, "发表论文", "篇"),
    (AchievementKind.PAPER_AWARD, "论文获奖", "篇"),
    (AchievementKind.LESSON_AWARD, "优质课/公开课获奖", "节"),
    (AchievementKind.CONTEST, "基本功/课件/教学设计比赛获奖", "项"),
    (AchievementKind.PROJECT_AWARD, "课题成果获奖", "项"),
    (AchievementKind.HONOUR, "获荣誉称号", "人次"),
    (AchievementKind.STUDENT_AWARD, "指导学生获奖", "项"),
]


def _project_row(p: ResearchProject) -> RecordRow:
    return RecordRow(
        date=p.start_date,
        title=p.title,
        detail=f"{p.get_level_display()} · {p.get_stage_display()} · 主持人 {p.leader.name}",
        url=reverse("research:project_detail", args=[p.pk]),
    )


def _achievement_row(a: Achievement) -> RecordRow:
    return RecordRow(
        date=a.date,
        title=a.title,
        detail=f"{a.get_kind_display()} · {a.award_label} · {a.issuer}",
        url=reverse("research:achievement_detail", args=[a.pk]),
    )


def _credit_row(c: AchievementCredit) -> RecordRow:
    a = c.achievement
    return RecordRow(
        date=a.date,
        title=f"{c.teacher.name}：{a.title}",
        detail=f"{a.get_kind_display()} · {a.award_label}",
        url=reverse("research:achievement_detail", args=[a.pk]),
    )


@section("research", title="课题研究与成果", order=70)
def research_section(period):
    projects = ResearchProject.objects.filter(school_id__in=period.school_ids).select_related("leader")
    achievements = Achievement.objects.counted().filter(school_id__in=period.school_ids, date__gte=period.start, date__lte=period.end)
    credits = AchievementCredit.objects.filter(achievement__in=achievements).select_related("achievement", "teacher")
    if period.group is not None:
        projects = projects.filter(leader_id__in=period.member_ids)
        credits = credits.filter(teacher_id__in=period.member_ids)
        achievements = achievements.filter(pk__in=credits.values("achievement_id"))

    active = projects.filter(stage__in=ACTIVE_STAGES)
    n_active = period.figure("research.projects_active", "在研课题", active, unit="项", describe=_project_row)
    p = P("在研课题{n}", n=n_active)
    by_level = period.counts_by(active, "level")
    first = True
    for lv, label in Level.choices:
        if by_level.get(lv):
            fig = period.figure(f"research.projects_active.{lv}", f"{label}课题", active.filter(level=lv), unit="项", describe=_project_row)
            p.extend(["，其中" if first else "，", f"{label}课题", fig])
            first = False
    moved = ProjectStage.objects.filter(entered_on__gte=period.start, entered_on__lte=period.end)
    for st, label in ((Stage.APPROVED, "新立项"), (Stage.CONCLUDED, "结题")):
        qs = projects.filter(pk__in=moved.filter(stage=st).values("project_id"))
        fig = period.figure(f"research.projects_{st}", f"{period.word}{label}课题", qs, unit="项", describe=_project_row)
        if fig.value:
            p.extend([f"；{period.word}{label}", fig])
    p.append("。")
    paras = [p]

    ach = achievements.select_related("project")
    grid = {(k, lv): n for k, lv, n in _kind_level_counts(ach)}
    p2 = P()
    for kind, label, unit in KINDS:
        qs = ach.filter(kind=kind)
        total = sum(n for (k, _lv), n in grid.items() if k == kind)
        if not total:
            continue
        fig = period.figure(f"research.{kind}", label, qs, unit=unit, describe=_achievement_row)
        p2.extend(["；" if p2 else "", label, fig])
        parts = [(lv, lb) for lv, lb in Level.choices if grid.get((kind, lv))]
        for i, (lv, lb) in enumerate(parts):
            sub = period.figure(f"research.{kind}.{lv}", f"{label}（{lb}）", qs.filter(level=lv), unit=unit, describe=_achievement_row)
            p2.extend(["，其中" if i == 0 else "，", lb, sub])
    city_up = credits.filter(achievement__level__in=CITY_AND_ABOVE).exclude(achievement__kind=AchievementKind.PAPER_PUBLISHED)
    persons = period.figure("research.awards_city_up_persons", "市级以上奖励人次", city_up, unit="人次", describe=_credit_row)
    if p2:
        p2.extend(["；获市级以上奖励", persons, "。"])
        head = P(f"{period.word}经学校认定的成果：")
        head.extend(p2)
        paras.append(head)
    problems, next_steps = [], []
    if not grid:
        problems.append(f"{period.word}没有经认定的论文、获奖等成果，教师的研究成果转化不足。")
    if not n_active.value:
        next_steps.append("以问题为导向申报校级小课题，带动教师人人参与课题研究。")
    elif not any(k in (AchievementKind.PAPER_PUBLISHED, AchievementKind.PAPER_AWARD) for k, _lv in grid):
        next_steps.append("结合在研课题组织论文撰写与评比，推动研究成果的提炼与发表。")
    return Section(paragraphs=paras, problems=problems, next_steps=next_steps)


def _kind_level_counts(qs):
    from django.db.models import Count

    return qs.order_by().values_list("kind", "level").annotate(n=Count("pk"))
