"""Writes for 师徒结对. Each is one transaction; bad input raises a Chinese
ValidationError and saves nothing."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from xiaoben.core.notifications import notify
from xiaoben.core.terms import require_date_open, require_school_year_open
from xiaoben.core.validation import require_lengths
from xiaoben.org.models import School, SchoolYear, Teacher

from .models import (
    Direction,
    EvaluationRole,
    Grade,
    Mentorship,
    MentorshipEvaluation,
    MentorshipNote,
    MentorshipQuota,
    MentorshipReport,
    QuotaRule,
)
from .selectors import month_counts, month_start, quota_rules, year_bounds

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


def _create(*, school, school_year, mentor, mentee, start_date, goals, subject, user, rules) -> Mentorship:
    _check_pair(school=school, school_year=school_year, mentor=mentor, mentee=mentee)
    pair = Mentorship(
        school=school,
        school_year=school_year,
        mentor=mentor,
        mentee=mentee,
        subject=subject or mentee.subject,
        start_date=start_date,
        goals=goals,
        created_by=user,
    )
    pair.full_clean()
    pair.save()
    MentorshipQuota.objects.bulk_create(
        [
            MentorshipQuota(
                mentorship=pair, label=r["label"], direction=r["direction"], kind=r["kind"], target=r["target"], order=r["order"]
            )
            for r in rules
        ]
    )
    return pair


@transaction.atomic
def mentorship_create(
    *,
    school: School,
    school_year: SchoolYear,
    mentor: Teacher,
    mentee: Teacher,
    start_date: dt.date,
    goals: str = "",
    subject: str = "",
    user=None,
) -> Mentorship:
    """结对: one mentor, one mentee, one school year, with the school's quotas copied in."""
    return _create(
        school=school,
        school_year=school_year,
        mentor=mentor,
        mentee=mentee,
        start_date=start_date,
        goals=goals,
        subject=subject,
        user=user,
        rules=quota_rules(school),
    )


@transaction.atomic
def mentorships_create_bulk(
    *, school: School, school_year: SchoolYear, pairs: list[tuple[int, int]], start_date: dt.date, goals: str = "", user=None
) -> list[Mentorship]:
    """Pair many new teachers at once: `pairs` is [(mentee_id, mentor_id)]. All or nothing."""
    if not pairs:
        raise ValidationError("请至少选择一对师徒。")
    start, end = year_bounds(school_year)
    if not (start - dt.timedelta(days=60) <= start_date <= end):
        raise ValidationError(f"结对日期应在{school_year.name}内。")
    ids = {i for p in pairs for i in p}
    teachers = Teacher.objects.in_bulk(ids)
    if len(teachers) != len(ids):
        raise ValidationError("所选教师不存在。")
    rules = quota_rules(school)
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
                user=user,
                rules=rules,
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
def quota_rules_save(*, school: School, rules: list[dict]) -> list[QuotaRule]:
    """Replace the school's default quotas. Each rule: label, direction, kind, target."""
    labels = set()
    rows = []
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
            target = int(r.get("target"))
        except (TypeError, ValueError):
            raise ValidationError(f"“{label}”的节数应为整数。")
        if not 1 <= target <= 500:
            raise ValidationError(f"“{label}”的节数应在1到500之间。")
        rows.append(QuotaRule(school=school, label=label, direction=r["direction"], kind=r.get("kind") or "", target=target, order=i))
    QuotaRule.objects.filter(school=school).delete()
    return QuotaRule.objects.bulk_create(rows)


@transaction.atomic
def quota_rules_apply(*, school: School, school_year: SchoolYear) -> int:
    """Bring every pair of the year in line with the school's rules (add missing
    quotas, update targets by name); quotas the school no longer has are kept."""
    rules = quota_rules(school)
    pairs = list(Mentorship.objects.filter(school=school, school_year=school_year))
    existing = {(q.mentorship_id, q.label): q for q in MentorshipQuota.objects.filter(mentorship__in=pairs)}
    new, changed = [], []
    for p in pairs:
        for r in rules:
            q = existing.get((p.pk, r["label"]))
            if q is None:
                new.append(MentorshipQuota(mentorship=p, **r))
            elif (q.direction, q.kind, q.target) != (r["direction"], r["kind"], r["target"]):
                q.direction, q.kind, q.target = r["direction"], r["kind"], r["target"]
                changed.append(q)
    MentorshipQuota.objects.bulk_create(new)
    MentorshipQuota.objects.bulk_update(changed, ["direction", "kind", "target"])
    return len(new) + len(changed)


@transaction.atomic
def pair_quotas_update(*, pair: Mentorship, targets: dict[int, int]) -> None:
    require_school_year_open(pair.school_year)
    """A pair's own targets (e.g. a second-year mentee needs fewer)."""
    quotas = {q.pk: q for q in pair.quotas.all()}
    for qid, target in targets.items():
        if qid not in quotas:
            raise ValidationError("指标不属于该结对。")
        if not 0 <= target <= 500:
            raise ValidationError(f"“{quotas[qid].label}”的节数应在0到500之间。")
        quotas[qid].target = target
    MentorshipQuota.objects.bulk_update(list(quotas.values()), ["target"])


@transaction.atomic
def mentorship_update(
    *, pair: Mentorship, mentor: Teacher | None = None, goals: str | None = None, is_active: bool | None = None
) -> Mentorship:
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
def report_file(*, pair: Mentorship, month: dt.date, work_done: str, next_plan: str = "", user, today: dt.date) -> MentorshipReport:
    """月报表: the month's counts come from the observation records at filing time;
    the pair writes what they worked on. Filing again replaces the month's report."""
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
        mentorship=pair, month=month, defaults={"work_done": work_done.strip(), "filed_by": user, **counts}
    )
    report.work_done, report.next_plan, report.filed_by = work_done.strip(), (next_plan or "").strip(), user
    for k, v in counts.items():
        setattr(report, k, v)
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def note_add(*, pair: Mentorship, user, text: str) -> MentorshipNote:
    require_school_year_open(pair.school_year)
    note = MentorshipNote(mentorship=pair, author=user, text=(text or "").strip())
    note.full_clean()
    note.save()
    return note


@transaction.atomic
def evaluation_save(*, pair: Mentorship, role: str, grade: str, comment: str, user) -> MentorshipEvaluation:
    """期末评价. The school's ratings (学校评定师傅/徒弟) must carry an 等第."""
    require_school_year_open(pair.school_year)
    if role not in EvaluationRole.values:
        raise ValidationError("评价类别不正确。")
    if grade and grade not in Grade.values:
        raise ValidationError("等第应为优秀、合格或不合格。")
    if role.startswith("school_") and not grade:
        raise ValidationError("学校评定须选择等第（优秀/合格/不合格）。")
    if not (comment or "").strip():
        raise ValidationError("请填写评语。")
    ev, _ = MentorshipEvaluation.objects.get_or_create(
        mentorship=pair, role=role, defaults={"comment": comment.strip(), "grade": grade, "author": user}
    )
    ev.grade, ev.comment, ev.author = grade, comment.strip(), user
    ev.full_clean()
    ev.save()
    return ev


@transaction.atomic
def reports_remind(*, overdue: list[tuple[Mentorship, list[dt.date]]]) -> int:
    """Remind both members of each pair with overdue 月报表; returns pairs reminded."""
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
def school_ratings_save(*, ratings: list[dict], user) -> int:
    """学年末学校评定: [{pair, mentor_grade, mentee_grade, comment}] in one go; a row
    without a grade is left as it was. All or nothing."""
    n = 0
    for r in ratings:
        for role, key in (("school_on_mentor", "mentor_grade"), ("school_on_mentee", "mentee_grade")):
            grade = r.get(key) or ""
            if not grade:
                continue
            if grade not in Grade.values:
                raise ValidationError("等第应为优秀、合格或不合格。")
            comment = (r.get("comment") or "").strip() or f"学年结对考核：{Grade(grade).label}"
            evaluation_save(pair=r["pair"], role=role, grade=grade, comment=comment, user=user)
            n += 1
    return n
