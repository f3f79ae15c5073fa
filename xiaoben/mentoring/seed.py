"""Demo 师徒结对: every new teacher (教龄 < 3) of each demo school is paired with an
experienced same-subject teacher, preferring the one they already have most
observations with (the observations seed runs first), so progress shows real
counts. Monthly reports for the months already due, one of them missing."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Q

from xiaoben.core.seeding import SeedContext
from xiaoben.observations.models import Observation

from .models import Mentorship, MentorshipEvaluation, MentorshipNote, MentorshipReport
from .selectors import DEFAULT_QUOTAS, due_months, grace_days, year_bounds
from .services import DEFAULT_GOALS, quota_rules_save

WORK = [
    "指导徒弟研读教材和课标，一起备《{t}》一课，教学设计修改两稿。",
    "听徒弟汇报课《{t}》后评课：导入简洁，但提问过多过碎，下次聚焦三个关键问题。",
    "徒弟听师傅示范课两节，课后交流板书设计和小组合作的组织方法。",
    "检查徒弟的作业批改记录，示范如何写激励性评语；共同命制单元练习。",
    "指导徒弟做好后进生辅导，制定本班辅导计划；交流班级常规管理经验。",
    "一起参加教研组集体备课，徒弟承担说课，师傅课前帮助磨课一次。",
]
PLAN = [
    "继续听课，重点学习课堂评价语言。",
    "准备期中汇报课，师傅提前听试讲。",
    "练习粉笔字和朗读基本功，每周交一次。",
    "写一篇教学反思，请师傅批阅。",
]
LESSONS = ["秋天的雨", "找春天", "小数的初步认识", "观潮", "圆的认识", "My family", "植物的一生", "草船借箭"]
NOTES = [
    "今天磨课：目标定得太多，删去一个环节后时间刚好。",
    "徒弟课堂组织进步明显，学生举手面广了。",
    "约定每周二第三节互相听课，周四下午交流。",
]


AFTER: tuple[str, ...] = ("observations",)  # seeds whose records this one reads


def seed(ctx: SeedContext) -> None:
    rng, today = ctx.rng, ctx.today
    for n, school in enumerate(ctx.schools):
        term = ctx.terms.get(school.pk)
        if term is None:
            continue
        year = term.school_year
        teachers = ctx.teachers[school.pk]
        new = [t for t in teachers if t.is_new(today)]
        new_ids = {t.pk for t in new}
        mentors = [t for t in teachers if t.pk not in new_ids and (t.teaching_years(today) or 0) >= 5]
        together: dict[tuple[int, int], int] = defaultdict(int)
        rows = (
            Observation.objects.counted()
            .filter(school=school)
            .filter(Q(observer_id__in=new_ids) | Q(teacher_id__in=new_ids))
            .values("observer_id", "teacher_id")
            .annotate(c=Count("id"))
            .order_by()
        )
        for r in rows:
            together[(r["observer_id"], r["teacher_id"])] += r["c"]
            together[(r["teacher_id"], r["observer_id"])] += r["c"]
        load: dict[int, int] = defaultdict(int)
        start = min(term.start_date + dt.timedelta(days=14), today)  # 9月中旬 (seed 002)
        pairs = []
        for t in sorted(new, key=lambda x: x.staff_no):
            same = [m for m in mentors if m.subject == t.subject]
            if not same:
                continue
            pinned = [m for m in same if m.staff_no == README_PAIRS.get(t.staff_no)]
            best = (
                pinned[0]
                if pinned
                else max(same, key=lambda m, t=t: (together.get((t.pk, m.pk), 0), -load[m.pk], m.teaching_years(today) or 0, -m.pk))
            )
            load[best.pk] += 1
            pairs.append(
                Mentorship(school=school, school_year=year, mentor=best, mentee=t, subject=t.subject, start_date=start, goals=DEFAULT_GOALS)
            )
        Mentorship.objects.bulk_create(pairs)
        seed_quotas(ctx, school)
        _reports(ctx, school, year, pairs, missing=n == 0)
        rng.shuffle(pairs)
        MentorshipNote.objects.bulk_create(
            [MentorshipNote(mentorship=p, author=p.mentor.user, text=rng.choice(NOTES)) for p in pairs[: max(1, len(pairs) // 2)]]
        )
        _last_year(ctx, school, year, teachers, mentors)


def seed_quotas(ctx, school) -> None:
    """The school's 师徒 quotas (seed 004: 30 and 20 a year) as requirements, through the service
    the quotas page uses, by one of the school's admins."""
    from xiaoben.core.scope import build_scope
    from xiaoben.org.models import RoleAssignment

    user = ctx.personas.get("dean")
    actor = build_scope(user) if user is not None else None
    if actor is None or not actor.can("mentoring:manage", school.pk):
        ra = RoleAssignment.objects.filter(school=school, role__in=["school_admin", "principal"]).select_related("user").first()
        actor = build_scope(ra.user if ra else ctx.personas["platform_admin"])
    quota_rules_save(actor=actor, school=school, rules=[dict(q) for q in DEFAULT_QUOTAS])


# The README's demo persona and her 师傅 (tests/test_tenancy_walk.py checks the README agrees).
README_PAIRS = {"X009": "X004"}  # 蔡琳 ← 郝雨欣


def _last_year(ctx, school, year, teachers, mentors) -> None:
    """Last school year's pairs, evaluated at year end (the assessment reads these)."""
    prev = ctx.previous_terms.get(school.pk)
    if prev is None or prev.school_year_id == year.pk:
        return
    rng = ctx.rng
    mentees = [t for t in teachers if t.teaching_since and t.teaching_since <= prev.start_date and t.is_new(prev.end_date)]
    pairs = []
    for t in mentees:
        same = [m for m in mentors if m.subject == t.subject]
        if same:
            m = rng.choice(same)
            pairs.append(
                Mentorship(
                    school=school,
                    school_year=prev.school_year,
                    mentor=m,
                    mentee=t,
                    subject=t.subject,
                    start_date=dt.date(prev.school_year.start_year, 9, 15),
                    goals=DEFAULT_GOALS,
                )
            )
    Mentorship.objects.bulk_create(pairs)
    evs = []
    for p in pairs:
        g = rng.choice(["excellent", "pass", "pass"])
        evs += [
            MentorshipEvaluation(
                mentorship=p,
                role="mentor_on_mentee",
                grade=g,
                comment="工作认真，虚心好学，能独立上好常规课，课堂组织还需加强。",
                author=p.mentor.user,
            ),
            MentorshipEvaluation(
                mentorship=p, role="mentee_on_pair", comment="师傅每周听课评课，指导具体，收获很大。", author=p.mentee.user
            ),
            MentorshipEvaluation(
                mentorship=p, role="school_on_mentor", grade=rng.choice(["excellent", "pass"]), comment="履行指导职责，完成听课任务。"
            ),
            MentorshipEvaluation(mentorship=p, role="school_on_mentee", grade=g, comment="完成结对任务，教学基本功进步明显。"),
        ]
    MentorshipEvaluation.objects.bulk_create(evs)


def _reports(ctx, school, year, pairs, *, missing: bool) -> None:
    rng, today = ctx.rng, ctx.today
    bounds = year_bounds(year)
    start = bounds[0]
    per_month: dict[tuple[int, int, dt.date], int] = defaultdict(int)
    ids = {p.mentor_id for p in pairs} | {p.mentee_id for p in pairs}
    for obs, tea, day in (
        Observation.objects.counted()
        .filter(school=school, lesson_date__gte=start, lesson_date__lte=today, observer_id__in=ids, teacher_id__in=ids)
        .values_list("observer_id", "teacher_id", "lesson_date")
    ):
        per_month[(obs, tea, day.replace(day=1))] += 1
    grace = grace_days(school)
    reports = []
    skip = rng.choice(pairs) if (missing and pairs) else None
    for p in pairs:
        months = due_months(p, bounds, today, grace)
        for m in months:
            if p is skip and m == months[-1]:
                continue  # one pair has not filed last month's report
            reports.append(
                MentorshipReport(
                    mentorship=p,
                    month=m,
                    mentee_observed=per_month[(p.mentee_id, p.mentor_id, m)],
                    mentor_observed=per_month[(p.mentor_id, p.mentee_id, m)],
                    work_done=rng.choice(WORK).format(t=rng.choice(LESSONS)) + rng.choice(WORK).format(t=rng.choice(LESSONS)),
                    next_plan=rng.choice(PLAN),
                    filed_by=rng.choice([p.mentor, p.mentee]).user,
                )
            )
    MentorshipReport.objects.bulk_create(reports)
