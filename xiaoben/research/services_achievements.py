"""Writes of 成果与荣誉: submit with evidence, verify or return with a reason, reward rules.

Only verified achievements count. Verifying fixes each teacher's reward points from the
school's rules (points × share); changing the rules recomputes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone

from xiaoben.assessment.services import sheets_refresh
from xiaoben.core.changes import rows_changed
from xiaoben.core.concurrency import claim_version
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import User
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.core.uploads import validate_upload
from xiaoben.org.choices import HonourKind
from xiaoben.org.models import School, Teacher, TeacherHonour, Term

from .models import (
    Achievement,
    AchievementCredit,
    AchievementKind,
    AchievementStatus,
    Level,
    Rank,
    ResearchProject,
    RewardRule,
)
from .predicates import can_edit_achievement, can_manage_research, can_submit_achievement, can_verify_achievement

EVIDENCE_KINDS = frozenset({"pdf", "image"})
EVIDENCE_MAX_MB = 10
CENT = Decimal("0.01")

# A common 《教育教学研究成果奖励办法》: the school edits its own.
DEFAULT_RULES: list[tuple[str, str, str]] = [
    (Level.NATIONAL, Rank.SPECIAL, "12"),
    (Level.NATIONAL, Rank.FIRST, "10"),
    (Level.NATIONAL, Rank.SECOND, "8"),
    (Level.NATIONAL, "", "6"),
    (Level.PROVINCE, Rank.FIRST, "6"),
    (Level.PROVINCE, Rank.SECOND, "5"),
    (Level.PROVINCE, "", "4"),
    (Level.CITY, Rank.FIRST, "4"),
    (Level.CITY, Rank.SECOND, "3"),
    (Level.CITY, "", "2"),
    (Level.COUNTY, Rank.FIRST, "2"),
    (Level.COUNTY, "", "1"),
    (Level.SCHOOL, "", "0.5"),
]


# —— reward arithmetic ——


def rule_points(rules: list[RewardRule], *, kind: str, level: str, rank: str) -> Decimal:
    """The most specific matching rule: kind+rank > kind > rank > level only. No rule → 0."""
    best, best_score = None, -1
    for r in rules:
        if r.level != level or (r.kind and r.kind != kind) or (r.rank and r.rank != rank):
            continue
        score = (2 if r.kind else 0) + (1 if r.rank else 0)
        if score > best_score:
            best, best_score = r, score
    return Decimal(best.points) if best else Decimal(0)


def credit_points(base: Decimal, share: Decimal) -> Decimal:
    return (Decimal(base) * Decimal(share)).quantize(CENT, rounding=ROUND_HALF_UP)


def _apply_points(achievement: Achievement, rules: list[RewardRule]) -> None:
    base = rule_points(rules, kind=achievement.kind, level=achievement.level, rank=achievement.rank)
    for c in achievement.credits.all():
        pts = credit_points(base, c.share) if achievement.is_verified else Decimal(0)
        if c.points != pts:
            c.points = pts
            c.save(update_fields=["points"])


def refresh_sheets(school_id: int, teacher_ids: Iterable[int], days: Iterable[dt.date]) -> None:
    """The 考核 sheets (教科研成果 item) of the teachers whose verified points changed show the new
    points at once, not only after the 教导处 presses 重新计分."""
    sheets_refresh(school_id=school_id, teacher_ids=set(teacher_ids), days=set(days))


def _refresh_for(a: Achievement, extra_teachers: Iterable[int] = (), extra_days: Iterable[dt.date] = ()) -> None:
    ids = {*a.credits.values_list("teacher_id", flat=True), *extra_teachers}
    refresh_sheets(a.school_id, ids, {a.date, *extra_days})


def reward_points_recompute(*, school_id: int) -> int:
    """After the rules change: every verified credit of the school gets the new points."""
    rules = list(RewardRule.objects.filter(school_id=school_id))
    n = 0
    qs = Achievement.objects.counted().filter(school_id=school_id).prefetch_related("credits")
    for a in qs.iterator(chunk_size=500):
        _apply_points(a, rules)
        n += 1
    return n


@transaction.atomic
def reward_rules_replace(*, actor: Scope, school: School, rows: list[dict[str, Any]]) -> list[RewardRule]:
    """Replace the school's rules with `rows` [{kind, level, rank, points}] and recompute points."""
    if not can_manage_research(actor, school.pk):
        raise NotPermitted("只有学校管理员可以修改奖励规则。") if school.pk in actor.member_school_ids else NotPermitted()
    seen, out = set(), []
    for i, row in enumerate(rows, start=1):
        kind, level, rank = row.get("kind") or "", row.get("level") or "", row.get("rank") or ""
        try:
            points = Decimal(str(row.get("points")))
        except Exception:
            raise ValidationError(f"第{i}条规则的积分不是数字。") from None
        if level not in Level.values:
            raise ValidationError(f"第{i}条规则请选择级别。")
        if (kind and kind not in AchievementKind.values) or (rank and rank not in Rank.values):
            raise ValidationError(f"第{i}条规则的类别或等次不正确。")
        if points < 0 or points > 100:
            raise ValidationError(f"第{i}条规则的积分应在 0 到 100 之间。")
        if (kind, level, rank) in seen:
            raise ValidationError(f"第{i}条规则与前面的规则重复。")
        seen.add((kind, level, rank))
        out.append(RewardRule(school=school, kind=kind, level=level, rank=rank, points=points))
    RewardRule.objects.filter(school=school).delete()
    RewardRule.objects.bulk_create(out)
    reward_points_recompute(school_id=school.pk)
    sheets_refresh(school_id=school.pk)
    return out


def reward_rules_defaults(*, school: School) -> list[RewardRule]:
    """Install the common rules for a school that has none (demo, first visit)."""
    if RewardRule.objects.filter(school=school).exists():
        return list(RewardRule.objects.filter(school=school))
    return RewardRule.objects.bulk_create([RewardRule(school=school, level=lv, rank=rk, points=Decimal(p)) for lv, rk, p in DEFAULT_RULES])


# —— achievements ——


def _term_for(school_id: int, day: dt.date) -> Term | None:
    return Term.objects.filter(school_id=school_id, start_date__lte=day, end_date__gte=day).first()


def _clean(
    *,
    kind: str,
    title: str,
    level: str,
    rank: str,
    issuer: str,
    date: dt.date | None,
    honour_kind: str,
    students: str,
    project: ResearchProject | None,
    school_id: int,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title, issuer, students = (title or "").strip(), (issuer or "").strip(), (students or "").strip()
    if kind not in AchievementKind.values:
        errors["kind"] = "请选择成果类别。"
    if not title:
        errors["title"] = "请填写成果名称（论文题目、课题、奖项名称）。"
    if level not in Level.values:
        errors["level"] = "请选择级别。"
    if rank not in Rank.values:
        errors["rank"] = "请选择等次（没有等次选“不分等次”）。"
    if not issuer:
        errors["issuer"] = "请填写颁发单位或刊物名称。"
    if date is None:
        errors["date"] = "请填写获奖或发表日期。"
    elif date > timezone.localdate():
        errors["date"] = "日期不能晚于今天。"
    if kind == AchievementKind.HONOUR:
        if honour_kind not in HonourKind.values:
            errors["honour_kind"] = "荣誉称号请选择称号（名师、学科带头人、骨干教师…）。"
    else:
        honour_kind = ""
    if kind == AchievementKind.STUDENT_AWARD and not students:
        errors["students"] = "指导学生获奖请填写获奖学生。"
    if project is not None and project.school_id != school_id:
        errors["project"] = "所属课题不是本校的课题。"
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "title": title[:200],
        "level": level,
        "rank": rank,
        "issuer": issuer[:100],
        "date": date,
        "honour_kind": honour_kind,
        "students": students[:300],
        "project": project,
    }


def _teachers(school_id: int, teacher_ids: list[int]) -> list[Teacher]:
    ids = list(dict.fromkeys(teacher_ids))
    if not ids:
        raise ValidationError({"teachers": "请至少选择一位获奖教师。"})
    found = {t.pk: t for t in Teacher.objects.filter(pk__in=ids, school_id=school_id)}
    if len(found) != len(ids):
        raise ValidationError({"teachers": "获奖教师须是本校教师。"})
    return [found[i] for i in ids]


def _shares(n: int, shares: Sequence[object] | None) -> list[Decimal]:
    """Equal shares unless given; given shares must add up to 1 (合作成果按份额计分)."""
    if not shares:
        base = (Decimal(1) / n).quantize(CENT, rounding=ROUND_HALF_UP)
        out = [base] * n
        out[0] += Decimal(1) - base * n  # the first author takes the rounding
        return out
    try:
        given = [Decimal(str(x)) for x in shares]
    except Exception:
        raise ValidationError({"teachers": "份额须是数字。"}) from None
    if len(given) != n or any(x <= 0 for x in given) or abs(sum(given, Decimal(0)) - 1) > Decimal("0.011"):
        raise ValidationError({"teachers": "各位教师的份额须大于 0，合计为 1。"})
    return given


def _evidence(upload: UploadedFile[bytes]) -> str:
    try:
        return validate_upload(upload, EVIDENCE_KINDS, EVIDENCE_MAX_MB)
    except ValidationError as e:
        raise ValidationError({"evidence": e.messages}) from None


def _set_credits(achievement: Achievement, teachers: list[Teacher], shares: list[Decimal]) -> None:
    achievement.credits.all().delete()
    AchievementCredit.objects.bulk_create(
        [
            AchievementCredit(achievement=achievement, teacher=t, share=s, order=i)
            for i, (t, s) in enumerate(zip(teachers, shares, strict=True), 1)
        ]
    )
    rows_changed(Achievement, [achievement.pk])  # kept metric values follow


def _notify_admins(achievement: Achievement, actor_name: str) -> None:
    from .services import _admin_user_ids

    recipients = _admin_user_ids(achievement.school_id)
    title, url = achievement.title, reverse("research:achievement_detail", args=[achievement.pk])
    transaction.on_commit(
        lambda: notify(
            "research.achievement_submitted",
            recipients=recipients,
            target=achievement,
            context={"actor": actor_name, "title": title},
            url=url,
        )
    )


@transaction.atomic
def achievement_submit(
    *,
    actor: Scope,
    kind: str,
    title: str,
    level: str,
    rank: str,
    issuer: str,
    date: dt.date,
    evidence: UploadedFile[bytes] | None,
    teacher_ids: list[int] | None = None,
    shares: Sequence[object] | None = None,
    honour_kind: str = "",
    students: str = "",
    project: ResearchProject | None = None,
) -> Achievement:
    """A teacher submits an achievement with its evidence (证书扫描件、刊物页); co-authors of
    the school share it. An admin may record one for any teachers of the school."""
    school_id = actor.school_id
    if school_id is None or (actor.teacher is None and not actor.admin_school_ids):
        raise NotPermitted()
    admin = can_manage_research(actor, school_id)
    if not admin and not can_submit_achievement(actor):
        raise NotPermitted("你没有提交成果的权限。")
    teacher_ids = list(teacher_ids or ([actor.teacher_id] if actor.teacher_id else []))
    if not admin and actor.teacher_id not in teacher_ids:
        raise ValidationError({"teachers": "提交的成果须包含你本人。"})
    if project is not None and not visible_to(actor, ResearchProject).filter(pk=project.pk).exists():
        raise ValidationError({"project": "找不到所选课题。"})
    data = _clean(
        kind=kind, title=title, level=level, rank=rank, issuer=issuer, date=date, honour_kind=honour_kind, students=students,
        project=project, school_id=school_id,
    )  # fmt: skip
    teachers = _teachers(school_id, teacher_ids)
    share_list = _shares(len(teachers), shares)
    if evidence is None:
        raise ValidationError({"evidence": "请上传证书或刊物页的照片/扫描件。"})
    ev_kind = _evidence(evidence)
    a = Achievement(
        school_id=school_id,
        term=_term_for(school_id, data["date"]),
        status=AchievementStatus.PENDING,
        evidence=evidence,
        evidence_name=getattr(evidence, "name", "")[:200],
        evidence_kind=ev_kind,
        submitted_by_id=actor.user_id,
        **data,
    )
    a.full_clean(exclude=["evidence"])
    a.save()
    _set_credits(a, teachers, share_list)
    _notify_admins(a, actor.teacher.name if actor.teacher else "")
    return a


def _hide_unless_visible(actor: Scope, achievement: Achievement) -> None:
    if not visible_to(actor, Achievement).filter(pk=achievement.pk).exists():
        raise NotPermitted()


@transaction.atomic
def achievement_resubmit(
    *,
    actor: Scope,
    achievement: Achievement,
    kind: str,
    title: str,
    level: str,
    rank: str,
    issuer: str,
    date: dt.date,
    evidence: UploadedFile[bytes] | None = None,
    teacher_ids: list[int] | None = None,
    shares: Sequence[object] | None = None,
    honour_kind: str = "",
    students: str = "",
    project: ResearchProject | None = None,
    expected_version: int | None,
) -> Achievement:
    """Correct a pending or returned achievement (it goes back to 待审核). `expected_version` is
    the copy the editor loaded: a save from an older one (another edit, a review since) is refused."""
    _hide_unless_visible(actor, achievement)
    if not can_edit_achievement(actor, achievement):
        raise NotPermitted("已认定的成果不能再修改，如有错误请联系教导处。")
    a: Achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    before_ids, before_day = set(a.credits.values_list("teacher_id", flat=True)), a.date
    data = _clean(
        kind=kind, title=title, level=level, rank=rank, issuer=issuer, date=date, honour_kind=honour_kind, students=students,
        project=project, school_id=a.school_id,
    )  # fmt: skip
    ids = list(teacher_ids or a.credits.values_list("teacher_id", flat=True))
    if not can_manage_research(actor, a.school_id) and actor.teacher_id not in ids:
        raise ValidationError({"teachers": "提交的成果须包含你本人。"})
    teachers = _teachers(a.school_id, ids)
    share_list = _shares(len(teachers), shares)
    for k, v in data.items():
        setattr(a, k, v)
    a.term = _term_for(a.school_id, a.date)
    if evidence is not None:
        a.evidence_kind = _evidence(evidence)
        a.evidence, a.evidence_name = evidence, getattr(evidence, "name", "")[:200]
    elif not a.evidence:
        raise ValidationError({"evidence": "请上传证书或刊物页的照片/扫描件。"})
    was_verified = a.is_verified
    if not was_verified:
        a.status, a.return_reason = AchievementStatus.PENDING, ""
    a.full_clean(exclude=["evidence", "version"])
    claim_version(a, expected_version)  # before the save: a refused one writes no file either
    a.save()
    _set_credits(a, teachers, share_list)
    if was_verified:
        _apply_points(a, list(RewardRule.objects.filter(school_id=a.school_id)))
        _refresh_for(a, before_ids, [before_day])
    else:
        _notify_admins(a, actor.teacher.name if actor.teacher else "")
    return a


def _sync_honours(achievement: Achievement) -> None:
    """荣誉称号 verified here appear in the teacher's profile (the roster's 荣誉 column)."""
    if achievement.kind != AchievementKind.HONOUR or not achievement.honour_kind:
        return
    for c in achievement.credits.all():
        name = achievement.title[:30] if achievement.honour_kind == "other" else ""  # 其他荣誉 keep their name
        TeacherHonour.objects.update_or_create(
            teacher_id=c.teacher_id,
            level=achievement.level,
            kind=achievement.honour_kind,
            name=name,
            defaults={"year": achievement.date.year},
        )


def _unsync_honours(achievement: Achievement) -> None:
    """A 荣誉称号 no longer verified (退回, 删除) leaves the profile again — the row this
    achievement wrote (same level, title, year), unless another verified achievement still holds it."""
    if achievement.kind != AchievementKind.HONOUR or not achievement.honour_kind:
        return
    name = achievement.title[:30] if achievement.honour_kind == "other" else ""
    for c in achievement.credits.all():
        still = (
            Achievement.objects.filter(
                status=AchievementStatus.VERIFIED,
                kind=AchievementKind.HONOUR,
                honour_kind=achievement.honour_kind,
                level=achievement.level,
                credits__teacher_id=c.teacher_id,
            )
            .exclude(pk=achievement.pk)
            .exists()
        )
        if not still:
            TeacherHonour.objects.filter(
                teacher_id=c.teacher_id, level=achievement.level, kind=achievement.honour_kind, name=name, year=achievement.date.year
            ).delete()


@transaction.atomic
def achievement_verify(*, actor: Scope, achievement: Achievement) -> Achievement:
    """The 教导处 checked the evidence: the achievement counts from now on."""
    _hide_unless_visible(actor, achievement)
    if not can_verify_achievement(actor, achievement):
        raise NotPermitted("成果由学校管理员认定。")
    a: Achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if a.status == AchievementStatus.VERIFIED:
        raise ValidationError("这项成果已经认定过了。")
    if not a.evidence and not a.source_ref:
        raise ValidationError("没有证明材料，不能认定。")
    a.status, a.return_reason = AchievementStatus.VERIFIED, ""
    a.verified_by_id, a.verified_at = actor.user_id, timezone.now()
    a.version += 1  # a review moves the record on: an edit from a copy loaded before it is told
    a.save(update_fields=["status", "return_reason", "verified_by", "verified_at", "version", "updated_at"])
    _apply_points(a, list(RewardRule.objects.filter(school_id=a.school_id)))
    _sync_honours(a)
    _refresh_for(a)
    recipients = list(a.credits.values_list("teacher__user_id", flat=True))
    title, award, url = a.title, a.award_label, reverse("research:achievement_detail", args=[a.pk])
    transaction.on_commit(
        lambda: notify("research.achievement_verified", recipients=recipients, target=a, context={"title": title, "award": award}, url=url)
    )
    return a


@transaction.atomic
def achievement_return(*, actor: Scope, achievement: Achievement, reason: str) -> Achievement:
    """Send it back with the reason (证书不清晰、级别填错…); the teacher corrects and resubmits."""
    _hide_unless_visible(actor, achievement)
    if not can_verify_achievement(actor, achievement):
        raise NotPermitted("成果由学校管理员审核。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请写明退回理由，老师才知道怎么改。"})
    a: Achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    was_verified = a.is_verified
    a.status, a.return_reason = AchievementStatus.RETURNED, reason[:500]
    a.verified_by_id, a.verified_at = None, None
    a.version += 1  # a review moves the record on: an edit from a copy loaded before it is told
    a.save(update_fields=["status", "return_reason", "verified_by", "verified_at", "version", "updated_at"])
    _apply_points(a, [])
    if was_verified:
        _unsync_honours(a)
        _refresh_for(a)
    recipients = list(a.credits.values_list("teacher__user_id", flat=True))
    if a.submitted_by_id:
        recipients.append(a.submitted_by_id)
    title, url = a.title, reverse("research:achievement_detail", args=[a.pk])
    transaction.on_commit(
        lambda: notify(
            "research.achievement_returned", recipients=recipients, target=a, context={"title": title, "reason": reason[:80]}, url=url
        )
    )
    return a


@transaction.atomic
def achievement_delete(*, actor: Scope, achievement: Achievement) -> None:
    """Soft delete: the teacher while not verified; an admin always (restorable)."""
    _hide_unless_visible(actor, achievement)
    if not can_edit_achievement(actor, achievement):
        raise NotPermitted("已认定的成果只能由学校管理员删除。")
    achievement.soft_delete()
    if achievement.is_verified:
        _unsync_honours(achievement)
        _refresh_for(achievement)


def _showcase_level(name: str) -> tuple[str, str]:
    """A 晒课 result name (区优/区良/市优/省优…) → (level, rank)."""
    level = Level.COUNTY
    for prefix, lv in (("部", Level.NATIONAL), ("国", Level.NATIONAL), ("省", Level.PROVINCE), ("市", Level.CITY), ("校", Level.SCHOOL)):
        if name.startswith(prefix):
            level = lv
    rank = Rank.FIRST if "优" in name else Rank.SECOND if "良" in name else Rank.THIRD
    return level, rank


@transaction.atomic
def achievement_record_verified(
    *, teacher: Teacher, title: str, level: str, source: Model, awarded_on: dt.date, verified_by: User | None, issuer: str = ""
) -> Achievement:
    """A result the district published (a 晒课 level) becomes the teacher's verified
    优质课/公开课获奖 at once: the district's publication is the evidence, no school check
    needed. Recording the same result again changes nothing."""
    ref = f"showcase:{source.pk}:{teacher.pk}"
    existing = Achievement.all_objects.filter(school_id=teacher.school_id, source_ref=ref).first()
    if existing is not None:
        return existing
    lv, rank = _showcase_level(level)
    a: Achievement = Achievement.objects.create(
        school_id=teacher.school_id,
        term=_term_for(teacher.school_id, awarded_on),
        kind=AchievementKind.LESSON_AWARD,
        title=title[:200],
        level=lv,
        rank=rank,
        issuer=(issuer or "区教研室（晒课）")[:100],
        date=awarded_on,
        status=AchievementStatus.VERIFIED,
        source_ref=ref,
        verified_by=verified_by,
        verified_at=timezone.now(),
    )
    AchievementCredit.objects.create(achievement=a, teacher=teacher, share=1, order=1)
    _apply_points(a, list(RewardRule.objects.filter(school_id=a.school_id)))
    _refresh_for(a)
    return a
