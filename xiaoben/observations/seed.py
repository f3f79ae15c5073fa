"""Demo 听课记录: a realistic term (and the one before, for growth charts) in every
demo school. Each teacher observes ~10–25 lessons by today; every new teacher
(教龄 < 3) is paired with an experienced same-subject teacher and they observe
each other a lot (the mentoring seed, which runs after this one, pairs them);
school leaders do 推门课/领导听课; a few records are 补录 and two feedback texts
are near-identical (flagged)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from xiaoben.core.scope import SYSTEM
from xiaoben.core.seeding import SeedContext
from xiaoben.org.models import RoleAssignment

from . import seed_text as txt
from . import services
from .models import ObservationKind
from .rubrics import item_choices, rubric_for_school
from .services import ObservationInput, ObservationRecord

K = ObservationKind
KINDS = [K.REGULAR] * 6 + [K.PUSH, K.OPEN, K.OPEN, K.RESEARCH, K.RESEARCH, K.DEMO, K.REPORT, K.STANDARD, K.CONTEST]
ACTIVITY_KIND = {"demo": K.DEMO, "research": K.RESEARCH, "report": K.REPORT, "standard": K.STANDARD, "contest": K.CONTEST, "push": K.PUSH}


AFTER: tuple[str, ...] = ("activities",)  # seeds whose records this one reads


def _teaching_days(term, upto: dt.date) -> list[dt.date]:
    """School days of the term so far: no weekends, holiday weeks or days off in the calendar."""
    from xiaoben.org.calendar import for_term

    holidays = set(term.holiday_weeks or [])
    cal = for_term(term)
    end = min(term.end_date, upto)
    day, out = term.start_date + dt.timedelta(days=3), []
    while day <= end:
        if not cal.is_day_off(day) and term.week_of(day) not in holidays:
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(ctx: SeedContext) -> None:
    for school in ctx.schools:
        term = ctx.terms.get(school.pk)
        if term is None:
            continue
        _school(ctx, school, term, ctx.previous_terms.get(school.pk))


def _pairs(ctx, teachers) -> dict[int, int]:
    """new teacher id → an experienced same-subject teacher id (least loaded first)."""
    today, rng = ctx.today, ctx.rng
    load: dict[int, int] = defaultdict(int)
    pairs = {}
    for t in sorted((t for t in teachers if t.is_new(today)), key=lambda x: x.staff_no):
        options = [m for m in teachers if m.subject == t.subject and not m.is_new(today) and (m.teaching_years(today) or 0) >= 5]
        if options:
            best = min(options, key=lambda m: (load[m.pk], rng.random()))
            load[best.pk] += 1
            pairs[t.pk] = best.pk
    return pairs


def _school(ctx, school, term, prev) -> None:
    rng, today = ctx.rng, ctx.today
    rubric = rubric_for_school(school)
    items = list(rubric.items.all())
    teachers = [t for t in ctx.teachers[school.pk] if t.is_active]
    by_id = {t.pk: t for t in teachers}
    by_subject: dict[str, list] = defaultdict(list)
    for t in teachers:
        by_subject[t.subject].append(t)
    mentor_of = _pairs(ctx, teachers)
    mentees_of: dict[int, list[int]] = defaultdict(list)
    for mentee, mentor in mentor_of.items():
        mentees_of[mentor].append(mentee)
    leaders = set(RoleAssignment.objects.filter(school=school, role__in=["principal", "school_admin"]).values_list("user_id", flat=True))
    # two experienced teachers nobody has visited yet this term (the matrix shows them)
    quiet = {t.pk for t in rng.sample([t for t in teachers if t.pk not in mentor_of and t.pk not in mentees_of], 2)}
    skill = {t.pk: rng.uniform(-0.08, 0.06) + (0.02 * min(t.teaching_years(today) or 0, 10) / 10) for t in teachers}
    rows: list[ObservationRecord] = []
    terms: list = []  # the term of each row (its lesson falls in it)
    busy: set[tuple[int, dt.date, int]] = set()  # (observer, day, 第N节) already taken
    _activity_rows(ctx, school, term, items, skill, rows, terms, busy)
    for which, t_term in ((0, prev), (1, term)):
        if t_term is None:
            continue
        days = _teaching_days(t_term, today)
        if not days:
            continue
        share = 1.0 if t_term.end_date <= today else max(0.3, len(days) / max(1, len(_teaching_days(t_term, t_term.end_date))))
        for observer in teachers:
            n = round(rng.randint(20, 42) * share)
            is_leader = observer.user_id in leaders
            for _ in range(n):
                teacher, kind = _pick(rng, observer, by_subject, teachers, mentor_of, mentees_of, by_id, is_leader)
                if teacher is None or (which == 1 and teacher.pk in quiet):
                    continue
                day = rng.choice(days)
                period = _free_period(rng, busy, observer.pk, day)
                if period is None:  # the observer's day is full: nobody sits in two classrooms at once
                    continue
                growth = 0.03 * which  # a little better this term than last
                pts = _points(rng, items, skill[teacher.pk] + growth)
                rows.append(_row(rng, school, observer, teacher, day, kind, today, pts, period=period))
                terms.append(t_term)
    _copied(rng, rows, terms, term)
    services.observations_record_many(actor=SYSTEM, rows=rows)


PERIODS = range(1, 8)


def _free_period(rng, busy: set, observer_id: int, day: dt.date, wanted: int | None = None) -> int | None:
    """A 第N节 the observer has not been placed in that day (and mark it taken)."""
    free = [p for p in PERIODS if (observer_id, day, p) not in busy]
    if wanted is not None:
        free = [wanted] if wanted in free else []
    if not free:
        return None
    p = rng.choice(free)
    busy.add((observer_id, day, p))
    return p


def _pick(rng, observer, by_subject, teachers, mentor_of, mentees_of, by_id, is_leader):
    mentor = mentor_of.get(observer.pk)
    mentees = mentees_of.get(observer.pk, [])
    r = rng.random()
    if mentor and r < 0.45:
        return by_id[mentor], K.MENTOR
    if mentees and r < 0.35:
        return by_id[rng.choice(mentees)], K.MENTOR
    if is_leader and r < 0.6:
        return rng.choice([t for t in teachers if t.pk != observer.pk]), rng.choice([K.LEADER, K.LEADER, K.PUSH])
    same = [t for t in by_subject[observer.subject] if t.pk != observer.pk]
    pool = same if same and rng.random() < 0.8 else [t for t in teachers if t.pk != observer.pk]
    return rng.choice(pool), rng.choice(KINDS)


def _points(rng, items, bias: float) -> dict[int, Decimal]:
    out = {}
    for item in items:
        choices = item_choices(item.max_points)  # 100%, 90%, 80%, 70%, 60%
        x = rng.gauss(1.3 - bias * 10, 0.8)
        out[item.pk] = choices[max(0, min(len(choices) - 1, round(x)))]
    return out


def _feedback(rng, title: str) -> tuple[str, str, str]:
    s = rng.sample(txt.STRENGTHS, 2)
    strengths = f"《{title}》一课{s[0]}；{s[1]}。"
    return strengths, rng.choice(txt.WEAKNESSES) + "。", rng.choice(txt.SUGGESTIONS) + "。"


def _row(rng, school, observer, teacher, day, kind, today, pts, activity=None, title=None, period=None) -> ObservationRecord:
    title = title or rng.choice(txt.lessons_for(teacher.subject, school.stage))
    strengths, weaknesses, suggestions = _feedback(rng, title)
    late = rng.random() < 0.04
    entered_day = day + dt.timedelta(days=rng.randint(5, 20) if late else rng.choice([0, 0, 0, 1, 2]))
    entered_day = min(entered_day, today)
    entered = _at(entered_day, rng.randint(12, 21), rng.randint(0, 59))
    classes = (teacher.classes or "").replace(",", "、").split("、")
    data = ObservationInput(
        teacher=teacher,
        lesson_date=day,
        period=period,
        subject=teacher.subject,
        grade=(teacher.grades or [None])[0],
        class_name=classes[0] if classes else "",
        lesson_title=title,
        kind=kind,
        activity=activity,
        notes=rng.choice(txt.NOTES) if rng.random() < 0.3 else "",
        strengths=strengths,
        weaknesses=weaknesses,
        suggestions=suggestions,
        points=pts,
    )
    # 补录 (entered more than three days after the lesson) is the service's to decide
    return ObservationRecord(observer=observer, data=data, entered=entered, check_copies=False)


def _activity_rows(ctx, school, term, items, skill, rows, terms, busy) -> None:
    """Public lessons held this term (from the activities seed, if any) get observed by colleagues."""
    from xiaoben.activities.models import Activity

    rng, today = ctx.rng, ctx.today
    held = Activity.objects.filter(
        school=school, term=term, kind__in=["open_lesson", "lesson_study", "same_topic"], host__isnull=False, starts_at__date__lt=today
    ).select_related("host", "group")
    from xiaoben.activities.models import LessonStudyRound

    round_no = dict(LessonStudyRound.objects.filter(series__school=school).values_list("activity_id", "number"))
    teachers = [t for t in ctx.teachers[school.pk] if t.is_active]
    for i, a in enumerate(held.order_by("starts_at")[:30]):
        colleagues = [t for t in teachers if t.subject == a.host.subject and t.pk != a.host_id] or teachers
        lesson_period = _activity_period(school, a)
        day = timezone.localtime(a.starts_at).date()
        for observer in rng.sample(colleagues, min(len(colleagues), rng.randint(3, 6))):
            if lesson_period is not None and _free_period(rng, busy, observer.pk, day, wanted=lesson_period) is None:
                continue  # already placed in another lesson of that period
            # each round of a lesson study is better than the last (that is the point of it)
            pts = _points(rng, items, skill.get(a.host_id, 0) + 0.005 * i + 0.05 * (round_no.get(a.pk, 1) - 1))
            kind = ACTIVITY_KIND.get(a.lesson_kind, K.OPEN)
            title = a.title.split("《")[-1].split("》")[0] if "《" in a.title else a.title[:40]
            rows.append(_row(rng, school, observer, a.host, day, kind, today, pts, activity=a, title=title, period=lesson_period))
            terms.append(term)


def _copied(rng, rows: list[ObservationRecord], terms: list, term) -> None:
    """Two observers of this term hand in (nearly) the same feedback: the later one is flagged
    for review when the batch is entered (the copy check runs for it alone: the rest of the
    demo's feedback is composed from shared sentence pools)."""
    current = [i for i, r in enumerate(rows) if terms[i] is term and r.data.kind != K.MENTOR]
    if len(current) < 10:
        return
    first, second = rng.sample(current, 2)
    for i, text in ((first, txt.COPIED[0]), (second, txt.COPIED[1])):
        rows[i].data.strengths, rows[i].data.weaknesses, rows[i].data.suggestions = text, "", ""
    later = max((first, second), key=lambda i: (rows[i].data.lesson_date, i))  # rows are created in order
    rows[later].check_copies = True


def _activity_period(school, activity) -> int | None:
    """The 第N节 an activity starts in, from the school's timetable (None: after the lessons)."""
    from xiaoben.activities import schedule

    return schedule.period_of(school, activity.starts_at)
