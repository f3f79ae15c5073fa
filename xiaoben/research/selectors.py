"""Reads of 课题与成果: lists through the door, statistics in SQL, figures for the summary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Count, Exists, Model, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import School, Teacher

from .models import (
    ACTIVE_STAGES,
    CITY_AND_ABOVE,
    LEVEL_ORDER,
    Achievement,
    AchievementCredit,
    AchievementKind,
    AchievementStatus,
    Level,
    ProjectStage,
    ResearchProject,
    RewardRule,
    Stage,
)

M = TypeVar("M", bound=Model)
STAGE_ORDER = [Stage.APPLIED, Stage.APPROVED, Stage.OPENED, Stage.MIDTERM, Stage.EXTENDED, Stage.CONCLUDED, Stage.WITHDRAWN]


# —— projects ——


def projects_visible(
    scope: Scope, *, level: str = "", stage: str = "", school_id: int | None = None, mine: bool = False
) -> QuerySet[ResearchProject]:
    qs = visible_to(scope, ResearchProject).select_related("leader", "school")
    if level in Level.values:
        qs = qs.filter(level=level)
    if stage == "active":
        qs = qs.filter(stage__in=ACTIVE_STAGES)
    elif stage in Stage.values:
        qs = qs.filter(stage=stage)
    if school_id:
        qs = qs.filter(school_id=school_id)
    if mine and scope.teacher_id:
        qs = qs.filter(Q(leader_id=scope.teacher_id) | Q(memberships__teacher_id=scope.teacher_id)).distinct()
    return qs.annotate(member_count=Count("memberships", distinct=True)).order_by("-created_at", "-id")


def projects_moved(qs: QuerySet[ResearchProject], stage: str, *, start: dt.date | None, end: dt.date | None) -> QuerySet[ResearchProject]:
    """Projects of `qs` that entered `stage` between `start` and `end` (either may be open)."""
    rows = ProjectStage.objects.filter(stage=stage)
    if start:
        rows = rows.filter(entered_on__gte=start)
    if end:
        rows = rows.filter(entered_on__lte=end)
    return qs.filter(pk__in=rows.values("project_id"))


def project_form_people(school: School) -> tuple[QuerySet[Teacher], QuerySet[Teacher]]:
    """Who may lead a project of `school` (its active teachers) and who may join it (also the
    active teachers of the region's other schools)."""
    leaders = Teacher.objects.filter(school=school, is_active=True).order_by("staff_no")
    members = (
        Teacher.objects.filter(is_active=True)
        .filter(Q(school=school) | Q(school__region_id=school.region_id))
        .select_related("school")
        .order_by("school_id", "staff_no")
    )
    return leaders, members


def school_teachers(school_id: int) -> QuerySet[Teacher]:
    """The school's active teachers (an achievement's authors)."""
    return Teacher.objects.filter(school_id=school_id, is_active=True).order_by("staff_no")


def reward_rules(school: School) -> list[RewardRule]:
    """The school's 成果奖励办法 rows as it reads them: 国家级 first, then by kind and rank
    (特等奖, 一等奖 …, "any" last)."""
    ranks = ["special", "first", "second", "third", "merit", "none", ""]
    kinds = ["", *AchievementKind.values]
    return sorted(
        RewardRule.objects.filter(school=school),
        key=lambda r: (LEVEL_ORDER.index(r.level), kinds.index(r.kind), ranks.index(r.rank) if r.rank in ranks else 99),
    )


def project_matrix(qs: QuerySet[ResearchProject]) -> dict[str, Any]:
    """Counts by level × stage in one GROUP BY: {"rows": [(level_label, level, [n…], total)], "stages": [...]}."""
    raw = {(r["level"], r["stage"]): r["n"] for r in qs.order_by().values("level", "stage").annotate(n=Count("id", distinct=True))}
    rows = []
    for lv, label in Level.choices:
        counts = [raw.get((lv, st), 0) for st in STAGE_ORDER]
        rows.append((label, lv, counts, sum(counts)))
    totals = [sum(r[2][i] for r in rows) for i in range(len(STAGE_ORDER))]
    return {"stages": [(s, Stage(s).label) for s in STAGE_ORDER], "rows": rows, "totals": totals, "total": sum(totals)}


def project_linked_records(scope: Scope, project: ResearchProject, limit: int = 50) -> dict[str, dict[str, Any]]:
    """The project's activities, and the observations and writings made in them — each asked
    about again through the door; what the viewer may not open is only counted."""
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    out: dict[str, dict[str, Any]] = {}
    bases: tuple[tuple[str, type[Model], QuerySet[Any], tuple[str, ...]], ...] = (
        ("activities", Activity, Activity.objects.filter(project=project), ("host",)),
        ("observations", Observation, Observation.objects.filter(activity__project=project), ("teacher", "observer")),
        ("writings", Writing, Writing.objects.filter(activity__project=project), ("author",)),
    )
    for key, model, base, rel in bases:
        total = base.count()
        shown = list(visible_to(scope, model, base.select_related(*rel)).order_by("-pk")[:limit])
        out[key] = {"rows": shown, "total": total, "hidden": max(0, min(total, limit) - len(shown))}
    return out


# —— achievements ——


def achievements_for_teacher(teacher_id: int, *, start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[AchievementCredit]:
    qs = (
        AchievementCredit.objects.filter(teacher_id=teacher_id, achievement__deleted_at__isnull=True)
        .select_related("achievement", "achievement__project")
        .order_by("-achievement__date", "-achievement_id")
    )
    if start:
        qs = qs.filter(achievement__date__gte=start)
    if end:
        qs = qs.filter(achievement__date__lte=end)
    return qs


def teacher_totals(teacher_id: int) -> dict[str, Any]:
    return AchievementCredit.objects.filter(teacher_id=teacher_id, achievement__deleted_at__isnull=True).aggregate(
        verified=Count("id", filter=AchievementCredit.COUNTED),
        pending=Count("id", filter=Q(achievement__status=AchievementStatus.PENDING)),
        returned=Count("id", filter=Q(achievement__status=AchievementStatus.RETURNED)),
        points=Sum("points", filter=AchievementCredit.COUNTED),
    )


@dataclass
class AchievementFilter:
    kind: str = ""
    level: str = ""
    min_level: str = ""  # "city": 市级以上
    status: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    teacher_id: int | None = None
    q: str = ""
    awards: bool = False  # prizes only (not 论文发表): "获市级以上奖励N人次"

    @classmethod
    def from_query(cls, get: Mapping[str, Any]) -> AchievementFilter:
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(get.get(name, ""))
            except ValueError:
                return None

        try:
            tid = int(get.get("teacher") or 0) or None
        except ValueError:
            tid = None
        return cls(
            kind=get.get("kind", "") if get.get("kind", "") in AchievementKind.values else "",
            level=get.get("level", "") if get.get("level", "") in Level.values else "",
            min_level=get.get("min_level", "") if get.get("min_level", "") in Level.values else "",
            status=get.get("status", "") if get.get("status", "") in AchievementStatus.values else "",
            start=day("from"),
            end=day("to"),
            teacher_id=tid,
            q=(get.get("q", "") or "").strip()[:50],
            awards=get.get("awards") == "1",
        )

    def apply(self, qs: QuerySet[M], prefix: str = "") -> QuerySet[M]:
        p = prefix
        if self.kind:
            qs = qs.filter(**{f"{p}kind": self.kind})
        if self.level:
            qs = qs.filter(**{f"{p}level": self.level})
        if self.min_level:
            order = [c for c, _ in Level.choices]
            qs = qs.filter(**{f"{p}level__in": order[: order.index(self.min_level) + 1]})
        if self.status:
            qs = qs.filter(**{f"{p}status": self.status})
        if self.start:
            qs = qs.filter(**{f"{p}date__gte": self.start})
        if self.end:
            qs = qs.filter(**{f"{p}date__lte": self.end})
        if self.q:
            qs = qs.filter(**{f"{p}title__icontains": self.q})
        if self.awards:
            qs = qs.exclude(**{f"{p}kind": AchievementKind.PAPER_PUBLISHED})
        return qs

    def query(self, **over: object) -> str:
        d: dict[str, object] = {
            "kind": self.kind,
            "level": self.level,
            "min_level": self.min_level,
            "status": self.status,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
            "teacher": self.teacher_id or "",
            "q": self.q,
            "awards": "1" if self.awards else "",
        } | over
        return urlencode({k: v for k, v in d.items() if v})


def school_achievements(scope: Scope, school_id: int, f: AchievementFilter) -> QuerySet[Achievement]:
    qs = visible_to(scope, Achievement).filter(school_id=school_id)
    qs = f.apply(qs)
    if f.teacher_id:
        qs = qs.filter(Exists(AchievementCredit.objects.filter(achievement=OuterRef("pk"), teacher_id=f.teacher_id)))
    return qs.select_related("project").prefetch_related("credits__teacher").order_by("-date", "-id")


def achievement_stats(school_id: int, f: AchievementFilter) -> dict[str, Any]:
    """Verified achievements of the school by kind × level and by year (each counted once,
    however many teachers share it), plus 人次 (credits). Three GROUP BYs."""
    base = Achievement.objects.counted().filter(school_id=school_id)
    base = AchievementFilter(kind=f.kind, level=f.level, min_level=f.min_level, start=f.start, end=f.end, awards=f.awards).apply(base)
    grid = {(r["kind"], r["level"]): r["n"] for r in base.order_by().values("kind", "level").annotate(n=Count("id"))}
    years = list(base.order_by().annotate(y=ExtractYear("date")).values("y").annotate(n=Count("id")).order_by("y").values_list("y", "n"))
    credits = AchievementCredit.objects.filter(achievement__in=base.values("pk"))
    persons = credits.aggregate(n=Count("id"), teachers=Count("teacher_id", distinct=True), points=Sum("points"))
    rows = []
    for k, label in AchievementKind.choices:
        counts = [grid.get((k, lv), 0) for lv, _ in Level.choices]
        rows.append((label, k, counts, sum(counts)))
    level_totals = [sum(r[2][i] for r in rows) for i in range(len(Level.choices))]
    return {
        "levels": Level.choices,
        "rows": rows,
        "level_totals": level_totals,
        "total": sum(level_totals),
        "years": years,
        "person_times": persons["n"] or 0,
        "teachers": persons["teachers"] or 0,
        "points": persons["points"] or Decimal(0),
    }


def pending_count(school_id: int) -> int:
    n: int = Achievement.objects.filter(school_id=school_id, status=AchievementStatus.PENDING).count()
    return n


# —— the district's comparison (aggregates only) ——


def region_comparison(scope: Scope, *, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """For each school of the 教研员's region: 在研课题 by level, verified achievements of the
    period by level (counted once) and 市级以上 人次. Three GROUP BYs whatever the number of schools."""
    from xiaoben.org.models import School

    ids = scope.region_school_ids if not scope.is_platform_admin else set(School.objects.values_list("id", flat=True))
    schools = list(School.objects.filter(id__in=ids).order_by("region_id", "name").values("id", "name", "short_name"))
    proj = {
        (r["school_id"], r["level"]): r["n"]
        for r in ResearchProject.objects.filter(school_id__in=ids, stage__in=ACTIVE_STAGES)
        .order_by()
        .values("school_id", "level")
        .annotate(n=Count("id"))
    }
    ach_qs = Achievement.objects.counted().filter(school_id__in=ids, date__gte=start, date__lte=end)
    ach = {(r["school_id"], r["level"]): r["n"] for r in ach_qs.order_by().values("school_id", "level").annotate(n=Count("id"))}
    persons = dict(
        AchievementCredit.objects.filter(
            achievement__in=ach_qs.filter(level__in=CITY_AND_ABOVE).exclude(kind=AchievementKind.PAPER_PUBLISHED)
        )
        .order_by()
        .values("achievement__school_id")
        .annotate(n=Count("id"))
        .values_list("achievement__school_id", "n")
    )
    out = []
    for s in schools:
        p = [proj.get((s["id"], lv), 0) for lv, _ in Level.choices]
        a = [ach.get((s["id"], lv), 0) for lv, _ in Level.choices]
        out.append(
            {
                "school": s,
                "projects": p,
                "projects_total": sum(p),
                "achievements": a,
                "achievements_total": sum(a),
                "city_up_persons": persons.get(s["id"], 0),
            }
        )
    return out


# —— numbers for the term summary ——


@dataclass
class Figure:
    """One number of the summary, with the sentence it goes in and the rows behind it."""

    key: str
    label: str
    value: int
    text: str
    url: str
    parts: list[tuple[str, int]] = field(default_factory=list)


def _level_parts(counts: dict[str, int]) -> list[tuple[str, int]]:
    return [(str(label), counts[lv]) for lv, label in Level.choices if counts.get(lv)]


def _join(parts: list[tuple[str, int]], unit: str) -> str:
    return "，".join(f"{label}{n}{unit}" for label, n in parts)


def research_summary(school: School, start: dt.date, end: dt.date) -> list[Figure]:
    """The figures the seeds write, each with a URL listing its rows:
    "学校在研课题7项，其中国家级课题1项，省级课题4项…", "本学期结题2项", "发表论文3篇，其中国家级2篇",
    "获市级以上奖励N人次". Only verified achievements count; a joint one counts once for the
    school (项/篇) and once per teacher in 人次."""
    projects_url = reverse("research:projects")
    school_url = reverse("research:school")
    span = {"from": start.isoformat(), "to": end.isoformat()}
    figs: list[Figure] = []

    active = dict(
        ResearchProject.objects.filter(school=school, stage__in=ACTIVE_STAGES)
        .order_by()
        .values("level")
        .annotate(n=Count("id"))
        .values_list("level", "n")
    )
    n_active = sum(active.values())
    parts = _level_parts(active)
    text = f"学校在研课题{n_active}项" + (f"，其中{_join([(lb + '课题', n) for lb, n in parts], '项')}" if parts else "")
    figs.append(
        Figure(
            "projects_active", "在研课题", n_active, text, f"{projects_url}?{urlencode({'stage': 'active', 'school': school.pk})}", parts
        )
    )

    moved = dict(
        ProjectStage.objects.filter(project__school=school, project__deleted_at__isnull=True, entered_on__gte=start, entered_on__lte=end)
        .order_by()
        .values("stage")
        .annotate(n=Count("project_id", distinct=True))
        .values_list("stage", "n")
    )
    for st, label in ((Stage.APPROVED, "新立项课题"), (Stage.CONCLUDED, "结题课题")):
        n = moved.get(st, 0)
        figs.append(
            Figure(f"projects_{st}", label, n, f"{label}{n}项", f"{projects_url}?{urlencode({'moved': st, 'school': school.pk} | span)}")
        )

    verified = Achievement.objects.counted().filter(school=school, date__gte=start, date__lte=end)
    by_kind_level: dict[tuple[str, str], int] = {
        (r["kind"], r["level"]): r["n"] for r in verified.order_by().values("kind", "level").annotate(n=Count("id"))
    }
    for kind, label, unit in (
        (AchievementKind.PAPER_PUBLISHED, "发表论文", "篇"),
        (AchievementKind.PAPER_AWARD, "论文获奖", "篇"),
        (AchievementKind.LESSON_AWARD, "优质课/公开课获奖", "节"),
        (AchievementKind.CONTEST, "基本功/课件/教学设计比赛获奖", "项"),
        (AchievementKind.PROJECT_AWARD, "课题成果获奖", "项"),
        (AchievementKind.HONOUR, "获荣誉称号", "人次"),
        (AchievementKind.STUDENT_AWARD, "指导学生获奖", "项"),
    ):
        counts = {lv: n for (k, lv), n in by_kind_level.items() if k == kind}
        total = sum(counts.values())
        parts = _level_parts(counts)
        text = f"{label}{total}{unit}" + (f"，其中{_join(parts, unit)}" if parts and total else "")
        url = f"{school_url}?{urlencode({'status': 'verified', 'kind': kind} | span)}"
        figs.append(Figure(f"achievements_{kind}", label, total, text, url, parts))

    city_up = AchievementCredit.objects.filter(
        achievement__in=verified.filter(level__in=CITY_AND_ABOVE).exclude(kind=AchievementKind.PAPER_PUBLISHED)
    ).aggregate(n=Count("id"), t=Count("teacher_id", distinct=True))
    n = city_up["n"] or 0
    figs.append(
        Figure(
            "awards_city_up_persons",
            "市级以上奖励人次",
            n,
            f"获市级以上奖励{n}人次（{city_up['t'] or 0}人）",
            f"{school_url}?{urlencode({'status': 'verified', 'min_level': 'city', 'awards': 1} | span)}",
        )
    )
    return figs
