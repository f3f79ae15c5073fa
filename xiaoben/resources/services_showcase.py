"""晒课: the district opens a round, schools nominate lessons, experts score them with the
rubric (anonymous to each other; nobody scores a lesson of their own school), results with
levels are published and become the teachers' verified achievements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.models import User
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.org.models import Region, School, Teacher
from xiaoben.research.services_achievements import achievement_record_verified

from . import predicates
from .models import FileRole, Resource, RoundStatus, ShareState, ShowcaseEntry, ShowcaseRound, ShowcaseScore, Visibility


class RubricItem(TypedDict):
    name: str
    max: int


class LevelRule(TypedDict):
    name: str
    min: float


DEFAULT_RUBRIC: list[dict[str, Any]] = [
    {"name": "教学设计", "max": 30},
    {"name": "教学实施", "max": 40},
    {"name": "教学效果", "max": 20},
    {"name": "说课与反思", "max": 10},
]
DEFAULT_LEVELS: list[dict[str, Any]] = [{"name": "区优", "min": 85}, {"name": "区良", "min": 70}, {"name": "合格", "min": 0}]


def _check_rubric(rubric: list[dict[str, Any]], levels: list[dict[str, Any]]) -> tuple[list[RubricItem], list[LevelRule]]:
    if not rubric:
        raise ValidationError("请至少设置一个评价项目。")
    clean: list[RubricItem] = []
    for item in rubric:
        name = str(item.get("name", "")).strip()
        try:
            mx = int(item.get("max", 0))
        except (TypeError, ValueError):
            mx = 0
        if not name or mx <= 0:
            raise ValidationError("每个评价项目都要有名称和大于 0 的满分。")
        clean.append({"name": name, "max": mx})
    lv: list[LevelRule] = []
    for item in levels or []:
        name = str(item.get("name", "")).strip()
        if name:
            lv.append({"name": name, "min": float(item.get("min", 0))})
    return clean, sorted(lv, key=lambda x: -x["min"])


@transaction.atomic
def round_create(
    *,
    actor: Scope,
    title: str,
    subject: str,
    grades: list[int],
    opens_on: dt.date,
    closes_on: dt.date,
    rubric: list[dict[str, Any]] | None = None,
    levels: list[dict[str, Any]] | None = None,
    experts: Sequence[User | int] | None = None,
    per_school_limit: int = 3,
    region: Region | None = None,
) -> ShowcaseRound:
    require(predicates.can_open_round(actor), "只有区教研员可以发起晒课活动。")
    if region is None:
        region = Region.objects.filter(pk__in=actor.region_ids).order_by("id").first()
    if region is None or (not actor.is_platform_admin and region.pk not in actor.region_ids):
        raise NotPermitted("只能在自己负责的区域发起晒课活动。")
    if closes_on < opens_on:
        raise ValidationError("报名截止日期不能早于开始日期。")
    items, rules = _check_rubric(rubric or DEFAULT_RUBRIC, levels if levels is not None else DEFAULT_LEVELS)
    rnd = ShowcaseRound(
        region=region,
        title=(title or "").strip(),
        subject=subject,
        grades=sorted({int(g) for g in grades}),
        opens_on=opens_on,
        closes_on=closes_on,
        rubric=items,
        levels=rules,
        per_school_limit=per_school_limit,
        created_by_id=actor.user_id,
    )
    rnd.full_clean()
    rnd.save()
    if experts:
        rnd.experts.set(experts)
    return rnd


@transaction.atomic
def round_set_experts(*, actor: Scope, round: ShowcaseRound, experts: Sequence[User | int]) -> None:
    require(predicates.can_manage_round(actor, round), "只有发起区域的教研员可以指定评审专家。")
    round.experts.set(experts)


def lesson_completeness(resource: Resource) -> list[str]:
    """What a nominated lesson still lacks: 教学设计, 课件, 课堂实录."""
    files = [f for f in resource.files.all() if f.is_current]
    missing = []
    if not any(f.role == FileRole.DESIGN or (f.kind in ("docx", "pdf", "text") and f.role != FileRole.TALK) for f in files):
        missing.append("教学设计")
    if not any(f.role == FileRole.SLIDES or f.kind == "pptx" for f in files):
        missing.append("课件")
    if not any(f.kind == "video" for f in files):
        missing.append("课堂实录视频")
    return missing


def _school_in_round(school: School, rnd: ShowcaseRound) -> bool:
    from xiaoben.org.scope import region_subtree

    region_ids = region_subtree({rnd.region_id})
    return school.region_id in region_ids or school.alliances.filter(pk__in=region_ids).exists()


@transaction.atomic
def showcase_nominate(
    *, actor: Scope, round: ShowcaseRound, resource: Resource, teacher: Teacher, talk: str, today: dt.date | None = None
) -> ShowcaseEntry:
    """A school nominates one of its lessons (教学设计, 课件 and video, plus the teacher's 说课).
    Nominating shares the lesson with the district (the admin's nomination is the approval)."""
    require(predicates.can_nominate(actor, round, resource.school_id), "只有学校管理员可以推荐参加晒课。")
    user_id = actor.user_id
    assert user_id is not None  # a school admin is signed in
    today = today or timezone.localdate()
    if round.status != RoundStatus.OPEN or not (round.opens_on <= today <= round.closes_on):
        raise ValidationError("这轮晒课不在报名时间内。")
    if not _school_in_round(resource.school, round):
        raise ValidationError("这个学校不在本轮晒课的区域内。")
    if teacher.school_id != resource.school_id:
        raise ValidationError("执教教师必须是本校教师。")
    if round.subject and resource.subject and resource.subject != round.subject:
        raise ValidationError(f"本轮晒课的学科是{round.subject}。")
    missing = lesson_completeness(resource)
    if missing:
        raise ValidationError("推荐的课例还缺少：" + "、".join(missing) + "。")
    if not (talk or "").strip():
        raise ValidationError("请填写说课内容。")
    if ShowcaseEntry.objects.filter(round=round, school_id=resource.school_id).count() >= round.per_school_limit:
        raise ValidationError(f"每校最多推荐 {round.per_school_limit} 节课。")
    if ShowcaseEntry.objects.filter(round=round, resource=resource).exists():
        raise ValidationError("这节课已经推荐过了。")
    entry = ShowcaseEntry(
        round=round, school_id=resource.school_id, teacher=teacher, resource=resource, talk=talk.strip(), nominated_by_id=user_id
    )
    entry.full_clean()
    entry.save()
    if not resource.shared_beyond_school:
        resource.visibility = Visibility.REGION
        resource.share_state = ShareState.APPROVED
        resource.share_decided_by_id = actor.user_id
        resource.share_decided_at = timezone.now()
        resource.save(update_fields=["visibility", "share_state", "share_decided_by", "share_decided_at", "updated_at"])
    recipients = list(round.experts.values_list("pk", flat=True))
    if round.created_by_id:
        recipients.append(round.created_by_id)
    if recipients:
        notify(
            "resources.showcase_nominated",
            recipients=recipients,
            target=entry,
            context={"school": resource.school.name, "title": resource.title, "round": round.title},
            url=reverse("resources:round", args=[round.pk]),
        )
    return entry


@transaction.atomic
def round_start_scoring(*, actor: Scope, round: ShowcaseRound) -> ShowcaseRound:
    require(predicates.can_manage_round(actor, round), "只有发起区域的教研员可以开始评审。")
    if round.status != RoundStatus.OPEN:
        raise ValidationError("只有报名中的晒课可以开始评审。")
    round.status = RoundStatus.SCORING
    round.save(update_fields=["status", "updated_at"])
    return round


@transaction.atomic
def showcase_score(*, actor: Scope, entry: ShowcaseEntry, items: Sequence[object], comment: str = "") -> ShowcaseScore:
    """An expert scores a lesson with the round's rubric. Nobody scores their own school."""
    rnd = entry.round
    experts = set(rnd.experts.values_list("pk", flat=True))
    if actor.user_id not in experts:
        raise NotPermitted("只有本轮的评审专家可以评分。")
    if not predicates.can_score_entry(actor, entry, experts):
        raise NotPermitted("回避：不能为本校的课评分。")
    if rnd.status != RoundStatus.SCORING:
        raise ValidationError("这轮晒课不在评审阶段。")
    if len(items) != len(rnd.rubric):
        raise ValidationError("请为每个评价项目打分。")
    clean: list[float] = []
    for crit, raw in zip(rnd.rubric, items, strict=True):
        try:
            v = Decimal(str(raw)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        except Exception:
            raise ValidationError(f"「{crit['name']}」的分数不是数字。") from None
        if v < 0 or v > crit["max"]:
            raise ValidationError(f"「{crit['name']}」的分数应在 0 到 {crit['max']} 之间。")
        clean.append(float(v))
    total = Decimal(str(sum(clean))).quantize(Decimal("0.1"))
    score, _ = ShowcaseScore.objects.update_or_create(
        entry=entry, expert_id=actor.user_id, defaults={"items": clean, "total": total, "comment": (comment or "").strip()[:2000]}
    )
    return score


def rank_entries(entries: list[ShowcaseEntry], levels: list[LevelRule]) -> None:
    """Average of the experts' totals; equal averages share a rank (1, 1, 3) and a level."""
    scored = [(e, e.average) for e in entries if e.average is not None]
    scored.sort(key=lambda pair: -pair[1])
    prev: Decimal | None = None
    rank = 0
    for i, (e, average) in enumerate(scored, start=1):
        if average != prev:
            rank, prev = i, average
        e.rank = rank
        e.level = next((lv["name"] for lv in levels if float(average) >= lv["min"]), "")
    for e in entries:
        if e.average is None:
            e.rank, e.level = None, ""


@transaction.atomic
def round_publish(*, actor: Scope, round: ShowcaseRound) -> list[ShowcaseEntry]:
    require(predicates.can_manage_round(actor, round), "只有发起区域的教研员可以公布结果。")
    if round.status != RoundStatus.SCORING:
        raise ValidationError("请先开始评审，评审结束后再公布结果。")
    entries = list(round.entries.select_related("teacher", "resource").prefetch_related("scores"))
    for e in entries:
        totals = [s.total for s in e.scores.all()]
        e.average = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if totals else None
    rank_entries(entries, round.levels)
    ShowcaseEntry.objects.bulk_update(entries, ["average", "rank", "level"])
    round.status = RoundStatus.PUBLISHED
    round.published_at = timezone.now()
    round.save(update_fields=["status", "published_at", "updated_at"])
    achievements_record(round=round, entries=[e for e in entries if e.level])
    for e in entries:
        if e.level:
            notify(
                "resources.showcase_published",
                recipients=[e.teacher.user_id],
                target=e,
                context={"round": round.title, "title": e.resource.title, "level": e.level},
                url=reverse("resources:round", args=[round.pk]),
            )
    return entries


def achievements_record(*, round: ShowcaseRound, entries: list[ShowcaseEntry]) -> int:
    """The published levels become verified achievements (优质课/公开课获奖) of the teachers."""
    verified_by = User.objects.filter(pk=round.created_by_id).first() if round.created_by_id else None
    for e in entries:
        achievement_record_verified(
            teacher=e.teacher,
            title=f"{round.title}：《{e.resource.title}》{e.level}",
            level=e.level,
            source=e,
            awarded_on=timezone.localdate(),
            verified_by=verified_by,
            issuer=str(round.region),
        )
    return len(entries)
