"""Writes for 师徒结对. Each is one transaction; bad input raises a Chinese
ValidationError and saves nothing. Every service takes the actor's `Scope` and checks it first
(xiaoben.mentoring.predicates): out of reach → NotPermitted() (404), seen but not theirs to do
→ NotPermitted("…") (403 with the reason)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from xiaoben.core.errors import require
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_date_open, require_school_year_open
from xiaoben.core.validation import require_lengths
from xiaoben.org.models import School, SchoolYear, Teacher
from xiaoben.requirements.models import Requirement

from . import predicates as can
from .models import (
    Direction,
    EvaluationRole,
    Grade,
    Mentorship,
    MentorshipEvaluation,
    MentorshipNote,
    MentorshipReport,
)
from .selectors import AUDIENCE_OF, METRIC_OF, month_counts, month_start, quota_requirements, year_bounds

DEFAULT_GOALS = (
    "师傅从备课、上课、批改作业、命题、辅导等方面耐心传、帮、带；徒弟积极听师傅的课，"
    "学习成功经验；师傅主动听徒弟的课，有针对性地给予指导。一学年内徒弟能独立备课、上好常规课。"
)


def _check_pair(*, school: School, school_year: SchoolYear, mentor: Teacher, mentee: Teacher) -> None:
    if school_year.school_id != school.pk:
        raise ValidationError("学年不属于本校。")
    if mentor.school_id != school.pk or mentee.school_id != school.pk:
        raise ValidationError("师傅和徒弟必须是本校教师。")
    if mentor.pk == mentee.pk:
        raise ValidationError(f"{mentor.name}：师傅和徒弟不能是同一人。")
    if Mentorship.objects.filter(school_year=school_year, mentor=mentor, mentee=mentee).exists():
        raise ValidationError(f"{mentor.name} 与 {mentee.name} 本学年已结对。")
    if Mentorship.objects.filter(school_year=school_year, mentor=mentee, is_active=True).exists():
        raise ValidationError(f"{mentee.name} 本学年是师傅，不能同时做徒弟。")


def _create(
    *,
    school: School,
    school_year: SchoolYear,
    mentor: Teacher,
    mentee: Teacher,
    start_date: dt.date,
    goals: str,
    subject: str,
    user_id: int | None,
) -> Mentorship:
    _check_pair(school=school, school_year=school_year, mentor=mentor, mentee=mentee)
    pair = Mentorship(
        school=school,
        school_year=school_year,
        mentor=mentor,
        mentee=mentee,
        subject=subject or mentee.subject,
        start_date=start_date,
        goals=goals,
        created_by_id=user_id,
    )
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def mentorship_create(
    *,
    actor: Scope,
    school: School,
    school_year: SchoolYear,
    mentor: Teacher,
    mentee: Teacher,
    start_date: dt.date,
    goals: str = "",
    subject: str = "",
) -> Mentorship:
    """结对: one mentor, one mentee, one school year (the school's quotas are requirements the
    engine applies to every pair; nothing is copied)."""
    require(can.can_manage(actor, school.pk), "您没有为本校教师结对的权限。")
    return _create(
        school=school,
        school_year=school_year,
        mentor=mentor,
        mentee=mentee,
        start_date=start_date,
        goals=goals,
        subject=subject,
        user_id=actor.user_id,
    )


@transaction.atomic
def mentorships_create_bulk(
    *, actor: Scope, school: School, school_year: SchoolYear, pairs: list[tuple[int, int]], start_date: dt.date, goals: str = ""
) -> list[Mentorship]:
    """Pair many new teachers at once: `pairs` is [(mentee_id, mentor_id)]. All or nothing."""
    require(can.can_manage(actor, school.pk), "您没有为本校教师结对的权限。")
    if not pairs:
        raise ValidationError("请至少选择一对师徒。")
    start, end = year_bounds(school_year)
    if not (start - dt.timedelta(days=60) <= start_date <= end):
        raise ValidationError(f"结对日期应在{school_year.name}内。")
    ids = {i for p in pairs for i in p}
    teachers = Teacher.objects.in_bulk(ids)
    if len(teachers) != len(ids):
        raise ValidationError("所选教师不存在。")
    out = []
    for mentee_id, mentor_id in pairs:
        out.append(
            _create(
                school=school,
                school_year=school_year,
                mentor=teachers[mentor_id],
                mentee=teachers[mentee_id],
                start_date=start_date,
                goals=goals,
                subject="",
                user_id=actor.user_id,
            )
        )
    recipients = {p.mentor.user_id for p in out} | {p.mentee.user_id for p in out}
    notify(
        "mentoring.paired",
        recipients=recipients,
        context={"year": school_year.name},
        url=reverse("mentoring:list"),
    )
    return out


@transaction.atomic
def quota_rules_save(*, actor: Scope, school: School, rules: list[dict[str, Any]]) -> list[Requirement]:
    """The school's 师徒 quotas are its requirements on the two mentoring metrics (audience 徒弟 or
    师傅, 每学年, 课型 as a filter). Each rule: label, direction, kind, target. Rules kept are
    updated, new ones created, those left out switched off (their pairs' own numbers go with them)."""
    from xiaoben.requirements.services import requirement_create, requirement_update

    require(can.can_manage(actor, school.pk), "您没有设置本校师徒听课要求的权限。")
    labels = set()
    wanted = []
    for i, r in enumerate(rules, start=1):
        label = (r.get("label") or "").strip()
        if not label:
            raise ValidationError(f"第{i}条要求缺少名称。")
        if label in labels:
            raise ValidationError(f"要求名称“{label}”重复。")
        labels.add(label)
        if r.get("direction") not in Direction.values:
            raise ValidationError(f"“{label}”的听课方向不正确。")
        try:
            target = int(r.get("target"))  # type: ignore[arg-type]  # checked just below
        except (TypeError, ValueError):
            raise ValidationError(f"“{label}”的节数应为整数。") from None
        if not 1 <= target <= 500:
            raise ValidationError(f"“{label}”的节数应在1到500之间。")
        kind = r.get("kind") or ""
        wanted.append((label, r["direction"], kind, target, i))
    current = {(q.direction, q.kind): q.requirement for q in quota_requirements(school.pk)}
    out = []
    keep = set()
    for label, direction, kind, target, i in wanted:
        filters = {"kinds": [kind]} if kind else {}
        req = current.get((direction, kind))
        if req is not None and req.pk not in keep:
            keep.add(req.pk)
            out.append(
                requirement_update(actor=actor, requirement=req, expected_version=req.version, name=label, threshold=target, order=80 + i)
            )
        else:
            out.append(
                requirement_create(
                    actor=actor,
                    school=school,
                    name=label,
                    metric=METRIC_OF[direction],
                    applies_to=AUDIENCE_OF[direction],
                    period="school_year",
                    threshold=target,
                    filters=filters,
                    order=80 + i,
                )
            )
    for req in current.values():
        if req.pk not in keep and req not in out:
            requirement_update(actor=actor, requirement=req, expected_version=req.version, active=False)
    return out


@transaction.atomic
def pair_quotas_update(*, actor: Scope, pair: Mentorship, targets: dict[int, int]) -> None:
    """A pair's own numbers (e.g. a second-year mentee needs fewer): `targets` is {requirement id:
    节数}; kept on the requirement as the pair's member's override for the pair's school year,
    which the engine applies. The school's number again removes it."""
    can.require_on(actor, pair, can.can_manage(actor, pair.school_id), "您没有修改结对指标的权限。")
    require_school_year_open(pair.school_year)
    quotas = {q.pk: q for q in quota_requirements(pair.school_id, pair.school_year_id)}
    for qid, target in targets.items():
        if qid not in quotas:
            raise ValidationError("指标不属于该结对。")
        if not 0 <= target <= 500:
            raise ValidationError(f"“{quotas[qid].label}”的节数应在0到500之间。")
    for qid, target in targets.items():
        q = quotas[qid]
        req = Requirement.objects.select_for_update().get(pk=q.pk)
        key = f"{pair.school_year_id}:{q.teacher_id(pair)}"
        overrides = dict(req.overrides or {})
        if target == int(req.threshold):
            overrides.pop(key, None)
        else:
            overrides[key] = target
        if overrides != (req.overrides or {}):
            req.overrides = overrides
            req.save(update_fields=["overrides", "updated_at"])


@transaction.atomic
def mentorship_update(
    *, actor: Scope, pair: Mentorship, mentor: Teacher | None = None, goals: str | None = None, is_active: bool | None = None
) -> Mentorship:
    """Change the mentor, the goals, or end the pair (`is_active=False`)."""
    can.require_on(actor, pair, can.can_manage(actor, pair.school_id), "您没有修改本结对的权限。")
    require_school_year_open(pair.school_year)
    if mentor is not None and mentor.pk != pair.mentor_id:
        _check_pair(school=pair.school, school_year=pair.school_year, mentor=mentor, mentee=pair.mentee)
        pair.mentor = mentor
    if goals is not None:
        pair.goals = goals
    if is_active is not None:
        pair.is_active = is_active
    pair.full_clean()
    pair.save()
    return pair


@transaction.atomic
def report_file(*, actor: Scope, pair: Mentorship, month: dt.date, work_done: str, next_plan: str = "", today: dt.date) -> MentorshipReport:
    """月报表: the month's counts come from the observation records at filing time;
    the pair writes what they worked on. Filing again replaces the month's report."""
    can.require_private(actor, pair, can.in_pair(actor, pair), "只有师傅和徒弟本人可以填报月报表。")
    month = month_start(month)
    require_date_open(pair.school_id, month)
    start, end = year_bounds(pair.school_year)
    if month < month_start(max(pair.start_date, start)) or month > month_start(min(end, today)):
        raise ValidationError(f"{month:%Y年%m月}不在本结对的填报范围内。")
    if not (work_done or "").strip():
        raise ValidationError("请填写本月指导内容。")
    require_lengths([("本月指导内容", (work_done or "").strip(), 5000), ("下月打算", (next_plan or "").strip(), 5000)])
    counts = month_counts(pair, month)
    report, _ = MentorshipReport.objects.select_for_update().get_or_create(
        mentorship=pair, month=month, defaults={"work_done": work_done.strip(), "filed_by_id": actor.user_id, **counts}
    )
    report.work_done, report.next_plan, report.filed_by_id = work_done.strip(), (next_plan or "").strip(), actor.user_id
    for k, v in counts.items():
        setattr(report, k, v)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def note_add(*, actor: Scope, pair: Mentorship, text: str) -> MentorshipNote:
    """指导记录: written by the mentor or the mentee."""
    can.require_private(actor, pair, can.in_pair(actor, pair), "只有师傅和徒弟本人可以写指导记录。")
    assert actor.user_id is not None  # a member of the pair is a person
    require_school_year_open(pair.school_year)
    note = MentorshipNote(mentorship=pair, author_id=actor.user_id, text=(text or "").strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def evaluation_save(*, actor: Scope, pair: Mentorship, role: str, grade: str, comment: str) -> MentorshipEvaluation:
    """期末评价. The school's ratings (学校评定师傅/徒弟) must carry an 等第."""
    if role not in EvaluationRole.values:
        raise ValidationError("评价类别不正确。")
    can.require_private(actor, pair, can.can_evaluate(actor, pair, role), f"您不能填写「{EvaluationRole(role).label}」。")
    require_school_year_open(pair.school_year)
    if grade and grade not in Grade.values:
        raise ValidationError("等第应为优秀、合格或不合格。")
    if role.startswith("school_") and not grade:
        raise ValidationError("学校评定须选择等第（优秀/合格/不合格）。")
    if not (comment or "").strip():
        raise ValidationError("请填写评语。")
    ev, _ = MentorshipEvaluation.objects.get_or_create(
        mentorship=pair, role=role, defaults={"comment": comment.strip(), "grade": grade, "author_id": actor.user_id}
    )
    ev.grade, ev.comment, ev.author_id = grade, comment.strip(), actor.user_id
    ev.full_clean()
    ev.save()
    return ev


@transaction.atomic
def reports_remind(*, actor: Scope, school: School, overdue: list[tuple[Mentorship, list[dt.date]]]) -> int:
    """The school's lead reminds both members of each of its pairs with overdue 月报表; returns
    pairs reminded."""
    require(can.can_lead(actor, school.pk), "只有本校师徒结对负责人可以提醒逾期的月报表。")
    if any(pair.school_id != school.pk for pair, _ in overdue):
        raise ValidationError("只能提醒本校的师徒结对。")
    n = 0
    for pair, months in overdue:
        if not months:
            continue
        names = "、".join(f"{m.month}月" for m in months)
        notify(
            "mentoring.report_overdue",
            recipients=[pair.mentor.user_id, pair.mentee.user_id],
            context={"months": names},
            url=reverse("mentoring:detail", args=[pair.pk]),
            target=pair,
        )
        n += 1
    return n


@transaction.atomic
def school_ratings_save(*, actor: Scope, ratings: list[dict[str, Any]]) -> int:
    """学年末学校评定: [{pair, mentor_grade, mentee_grade, comment}] in one go; a row
    without a grade is left as it was. All or nothing."""
    for r in ratings:
        pair = r["pair"]
        can.require_on(actor, pair, can.can_lead(actor, pair.school_id), "只有本校师徒结对负责人可以评定。")
    n = 0
    for r in ratings:
        for role, key in (("school_on_mentor", "mentor_grade"), ("school_on_mentee", "mentee_grade")):
            grade = r.get(key) or ""
            if not grade:
                continue
            if grade not in Grade.values:
                raise ValidationError("等第应为优秀、合格或不合格。")
            comment = (r.get("comment") or "").strip() or f"学年结对考核：{Grade(grade).label}"
            evaluation_save(actor=actor, pair=r["pair"], role=role, grade=grade, comment=comment)
            n += 1
    return n
