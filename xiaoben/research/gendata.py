"""gen_data: 课题 and 成果与荣誉 at scale — each school's reward rules (the common 奖励办法), a
handful of projects per school at every stage with their stage history and members, and a
year of achievements (most verified, some pending or returned; some joint) with each credit's
reward points as verification would have fixed them. Stage documents and evidence files are
not generated (imported-like rows, `source_ref="gen"`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from xiaoben.core.gendata import GenContext, poisson

from .models import (
    Achievement,
    AchievementCredit,
    AchievementKind,
    Level,
    ProjectMember,
    ProjectStage,
    Rank,
    ResearchProject,
    RewardRule,
    Stage,
)
from .seed import ACHIEVEMENTS, PROJECTS
from .services_achievements import DEFAULT_RULES, credit_points, rule_points

ORDER = 70
FLOW = [Stage.APPLIED, Stage.APPROVED, Stage.OPENED, Stage.MIDTERM, Stage.CONCLUDED]
LEVEL_WEIGHTS = [(Level.NATIONAL, 1), (Level.PROVINCE, 4), (Level.CITY, 8), (Level.COUNTY, 14), (Level.SCHOOL, 20)]


def generate(ctx: GenContext) -> None:
    rng = ctx.rng("research")
    w = ctx.writer
    now = timezone.now()
    rules_proto = [RewardRule(level=lv, rank=rk, kind="", points=Decimal(p)) for lv, rk, p in DEFAULT_RULES]
    rules, projects, stages, members, achievements, credits = [], [], [], [], [], []
    levels = [lv for lv, n in LEVEL_WEIGHTS for _ in range(n)]
    for gs in ctx.schools:
        rules += [{"school_id": gs.id, "kind": "", "level": r.level, "rank": r.rank, "points": r.points} for r in rules_proto]
        if not gs.teacher_ids:
            continue
        n_projects = 1 + poisson(rng, gs.size / 25)
        for pid in w.ids(ResearchProject, n_projects):
            level = rng.choice(levels)
            reached = rng.choice([0, 1, 1, 2, 2, 3, 3, 4])
            start = ctx.today - dt.timedelta(days=rng.randint(30 + 150 * reached, 60 + 200 * reached))
            leader = rng.choice(gs.teacher_ids)
            stage = FLOW[reached]
            extended = reached in (2, 3) and rng.random() < 0.1
            withdrawn = reached < 3 and rng.random() < 0.04
            title = rng.choice(PROJECTS)[0]
            projects.append(
                {
                    "id": pid,
                    "school_id": gs.id,
                    "title": title,
                    "level": level,
                    "number": f"G{start.year}-{pid}" if reached else "",
                    "category": "small" if level == Level.SCHOOL else "planning",
                    "leader_id": leader,
                    "stage": Stage.WITHDRAWN if withdrawn else Stage.EXTENDED if extended else stage,
                    "stage_due": None if stage == Stage.CONCLUDED or withdrawn else ctx.today + dt.timedelta(days=rng.randint(-40, 200)),
                    "start_date": start if reached else None,
                    "end_date": start + dt.timedelta(days=730),
                    "visibility": rng.choice(["school", "school", "region", "members"]),
                    "created_at": now,
                    "updated_at": now,
                }
            )
            day = start
            for st in FLOW[: reached + 1] + ([Stage.EXTENDED] if extended else []) + ([Stage.WITHDRAWN] if withdrawn else []):
                stages.append(
                    {
                        "project_id": pid,
                        "stage": st,
                        "entered_on": min(day, ctx.today),
                        "note": "撤销：主持人调离" if st == Stage.WITHDRAWN else "",
                        "created_at": now,
                    }
                )
                day += dt.timedelta(days=rng.randint(60, 200))
            for t in rng.sample(gs.teacher_ids, min(len(gs.teacher_ids), rng.randint(2, 5))):
                if t != leader:
                    members.append({"project_id": pid, "teacher_id": t, "role": ""})
        # A year of achievements: the prolific long tail submits most of them.
        for t in gs.teacher_ids:
            for _ in range(poisson(rng, 0.35 * gs.weights.get(t, 1.0))):
                kind, title, level, rank, issuer = rng.choice(ACHIEVEMENTS)
                day = ctx.start + dt.timedelta(days=rng.randint(0, (ctx.today - ctx.start).days))
                term = gs.term_on(day)
                r = rng.random()
                status = "verified" if r < 0.85 else "pending" if r < 0.95 else "returned"
                people = [t]
                if (
                    kind in (AchievementKind.PAPER_PUBLISHED, AchievementKind.PAPER_AWARD)
                    and rng.random() < 0.2
                    and len(gs.teacher_ids) > 1
                ):
                    people.append(rng.choice([x for x in gs.teacher_ids if x != t]))
                (aid,) = w.ids(Achievement, 1)
                achievements.append(
                    {
                        "id": aid,
                        "school_id": gs.id,
                        "term_id": term.id if term else None,
                        "kind": kind,
                        "title": title,
                        "level": level,
                        "rank": rank,
                        "issuer": issuer,
                        "date": day,
                        "honour_kind": "",
                        "students": "三(2)班 王小明" if kind == AchievementKind.STUDENT_AWARD else "",
                        "status": status,
                        "return_reason": "证书照片不清晰，请重新拍摄上传。" if status == "returned" else "",
                        "submitted_by_id": gs.user_ids.get(t),
                        "verified_at": now if status == "verified" else None,
                        "source_ref": "gen",
                        "evidence": "",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                base = rule_points(rules_proto, kind=kind, level=level, rank=rank or Rank.NONE)
                share = Decimal(1) / len(people)
                for i, p in enumerate(people, 1):
                    pts = credit_points(base, share) if status == "verified" else Decimal(0)
                    credits.append(
                        {"achievement_id": aid, "teacher_id": p, "share": share.quantize(Decimal("0.01")), "order": i, "points": pts}
                    )
    w.insert(RewardRule, rules)
    w.insert(ResearchProject, projects)
    w.insert(ProjectStage, stages)
    w.insert(ProjectMember, members)
    w.insert(Achievement, achievements)
    w.insert(AchievementCredit, credits)
