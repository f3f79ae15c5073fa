"""Reads for 师徒结对: pairs, their progress against quotas (counted from the
observation records in a fixed number of queries), monthly report status,
the school summary, and the results the assessment reads."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import visible_to
from xiaoben.observations.models import Observation
from xiaoben.org.models import School, SchoolYear, Teacher, Term
from xiaoben.requirements.engine import Progress
from xiaoben.requirements.models import Requirement

from .metrics import MENTEE_METRIC, MENTOR_METRIC
from .models import Direction, Mentorship, MentorshipEvaluation, MentorshipReport

# what a school starts with (seed 004: 实施“师徒”互相听课制度，徒弟听师傅的课每人每年不少于30节，
# 师傅听徒弟的课每人每年不少于20节); the quotas themselves are the school's requirements on the
# two mentoring metrics (`quota_requirements`)
DEFAULT_QUOTAS = [
    {"label": "徒弟听师傅的课", "direction": Direction.MENTEE_OBSERVES, "kind": "", "target": 30, "order": 1},
    {"label": "师傅听徒弟的课", "direction": Direction.MENTOR_OBSERVES, "kind": "", "target": 20, "order": 2},
]
METRIC_OF = {Direction.MENTEE_OBSERVES: MENTEE_METRIC, Direction.MENTOR_OBSERVES: MENTOR_METRIC}
AUDIENCE_OF = {Direction.MENTEE_OBSERVES: "mentees", Direction.MENTOR_OBSERVES: "mentors"}
DEFAULT_GRACE_DAYS = 5


def grace_days(school: School) -> int:
    """月报表 is overdue this many days after the month ends (school setting)."""
    try:
        return int(school.setting("mentorship_report_grace_days", DEFAULT_GRACE_DAYS))
    except (TypeError, ValueError):
        return DEFAULT_GRACE_DAYS


def year_bounds(school_year: SchoolYear) -> tuple[dt.date, dt.date]:
    """The school year runs from its first term's first day to its last term's last
    day; without terms, 9月1日 to the next 8月31日."""
    spans = list(Term.objects.filter(school_year=school_year).values_list("start_date", "end_date"))
    if not spans:
        return dt.date(school_year.start_year, 9, 1), dt.date(school_year.start_year + 1, 8, 31)
    return min(s for s, _ in spans), max(e for _, e in spans)


@dataclass(frozen=True)
class Quota:
    """A 师徒 quota as the pages show it: one of the school's requirements on a mentoring metric
    (徒弟听师傅的课 → the 徒弟's, 师傅听徒弟的课 → the 师傅's)."""

    requirement: Requirement
    direction: str
    kind: str

    @property
    def pk(self) -> int:
        return self.requirement.pk

    @property
    def id(self) -> int:
        return self.requirement.pk

    @property
    def label(self) -> str:
        return self.requirement.name

    @property
    def target(self) -> int:
        return int(self.requirement.threshold)

    def teacher_id(self, pair: Mentorship) -> int:
        """The pair's member this quota counts for."""
        return pair.mentee_id if self.direction == Direction.MENTEE_OBSERVES else pair.mentor_id


def quota_of(r: Requirement) -> Quota | None:
    direction = {v: k for k, v in METRIC_OF.items()}.get(r.metric)
    if direction is None:
        return None
    kinds = (r.filters or {}).get("kinds") or []
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return Quota(requirement=r, direction=direction, kind=kinds[0] if len(kinds) == 1 else "")


def quota_requirements(school_id: int, school_year_id: int | None = None) -> list[Quota]:
    """The school's 师徒 quotas: its active requirements on the two mentoring metrics (for the
    school year, or long-lived). One query."""
    qs = Requirement.objects.filter(school_id=school_id, active=True, metric__in=list(METRIC_OF.values()))
    qs = qs.filter(Q(school_year__isnull=True) | Q(school_year_id=school_year_id)) if school_year_id else qs
    return [q for r in qs.order_by("order", "id") if (q := quota_of(r)) is not None]


def quota_rules(school: School) -> list[dict[str, Any]]:
    """The school's quotas as the admin form shows them."""
    return [
        {"label": q.label, "direction": q.direction, "kind": q.kind, "target": q.target, "order": i}
        for i, q in enumerate(quota_requirements(school.pk), start=1)
    ]


def year_term(school_id: int, school_year: SchoolYear) -> tuple[Term | None, dt.date]:
    """The term the engine judges a school year from (the current one when in that year, else
    its last), and the day (today, or the year's last day when it is over)."""
    from xiaoben.org.selectors import current_term, today

    on = today()
    term = current_term(school_id, on)
    if term is not None and term.school_year_id == school_year.pk:
        return term, on
    terms = sorted(Term.objects.filter(school_year=school_year), key=lambda t: t.start_date)
    past = [t for t in terms if t.start_date <= on]
    last = (past or terms)[-1] if (past or terms) else None
    return last, (min(on, last.end_date) if last else on)


def quota_progress(pairs: list[Mentorship], *, school_id: int, school_year: SchoolYear) -> dict[int, list[QuotaProgress]]:
    """Each pair's quotas with the engine's figures for the member each counts ({pair id: [...]}),
    a pair's own number (`Requirement.overrides`) applied by the engine."""
    quotas = quota_requirements(school_id, school_year.pk)
    out: dict[int, list[QuotaProgress]] = {p.pk: [] for p in pairs}
    if not quotas or not pairs:
        return out
    from xiaoben.requirements.engine import progress_cells

    term, on = year_term(school_id, school_year)
    if term is None:
        return out
    teachers = {t.pk: t for p in pairs for t in (p.mentor, p.mentee)}
    cells = progress_cells(pairs[0].school, term, [q.requirement for q in quotas], list(teachers.values()), on)
    for p in pairs:
        for q in quotas:
            cell = cells.get((q.teacher_id(p), q.pk))
            if cell is not None:
                out[p.pk].append(QuotaProgress(quota=q, count=int(cell.done), target=int(cell.target), progress=cell))
    return out


def pair_list(*, user: Viewer, school_id: int, school_year_id: int | None) -> QuerySet[Mentorship]:
    qs = visible_to(user, Mentorship).filter(school_id=school_id)
    if school_year_id:
        qs = qs.filter(school_year_id=school_year_id)
    return qs.select_related("mentor", "mentee", "school_year").order_by("mentor__staff_no", "mentee__staff_no")


def pair_observations(school_id: int, school_year_id: int, start: dt.date, end: dt.date) -> QuerySet[Observation]:
    """Submitted, not deleted observations between the two members of a pair of this
    year, inside [start, end]. Direction is decided by the caller."""
    pairs = Mentorship.objects.filter(school_year_id=school_year_id, school_id=school_id)
    forward = Exists(pairs.filter(mentor_id=OuterRef("observer_id"), mentee_id=OuterRef("teacher_id")))
    backward = Exists(pairs.filter(mentor_id=OuterRef("teacher_id"), mentee_id=OuterRef("observer_id")))
    observations: QuerySet[Observation] = (
        Observation.objects.counted().filter(school_id=school_id, lesson_date__gte=start, lesson_date__lte=end).filter(forward | backward)
    )
    return observations


@dataclass
class QuotaProgress:
    """One quota of a pair: the engine's count and target for the member it counts."""

    quota: Quota
    count: int
    target: int
    progress: Progress | None = None

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.count / self.target)) if self.target else 100

    @property
    def done(self) -> bool:
        return self.count >= self.target


@dataclass
class Summary:
    """新老教师相互听课N节，其中指导课A节（徒弟听师傅），汇报课B节（师傅听徒弟）."""

    total: int = 0
    guide: int = 0
    report: int = 0


@dataclass
class PairProgress:
    pair: Mentorship
    quotas: list[QuotaProgress] = field(default_factory=list)
    mentee_observed: int = 0  # 指导课: the mentee listened to the mentor
    mentor_observed: int = 0  # 汇报课: the mentor listened to the mentee
    overdue_months: list[dt.date] = field(default_factory=list)
    due_count: int = 0
    filed_months: set[dt.date] = field(default_factory=set)


def _key(pair: Mentorship, direction: str) -> tuple[int, int]:
    """(observer, observed) for a direction."""
    if direction == Direction.MENTEE_OBSERVES:
        return pair.mentee_id, pair.mentor_id
    return pair.mentor_id, pair.mentee_id


def progress_for(
    pairs: list[Mentorship],
    *,
    school_id: int,
    school_year: SchoolYear,
    bounds: tuple[dt.date, dt.date] | None = None,
    term: Term | None = None,
) -> tuple[list[PairProgress], Summary, Summary]:
    """Progress of every pair against the school's quotas (the engine's, `quota_progress`), plus
    the year's and the term's school totals. A fixed number of queries whatever the number of
    pairs and records."""
    start, end = bounds or year_bounds(school_year)
    quotas = quota_progress(pairs, school_id=school_id, school_year=school_year)
    in_term = Q(lesson_date__gte=term.start_date, lesson_date__lte=term.end_date) if term else Q(pk__in=[])
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    term_counts: dict[tuple[int, int], int] = defaultdict(int)
    rows = (
        pair_observations(school_id, school_year.pk, start, end)
        .values("observer_id", "teacher_id", "kind")
        .annotate(n=Count("id"), n_term=Count("id", filter=in_term))
        .order_by()
    )
    for r in rows:
        counts[(r["observer_id"], r["teacher_id"])][r["kind"]] += r["n"]
        term_counts[(r["observer_id"], r["teacher_id"])] += r["n_term"]
    out: list[PairProgress] = []
    year, in_term_sum = Summary(), Summary()
    for p in pairs:
        pp = PairProgress(pair=p)
        pp.mentee_observed = sum(counts[_key(p, Direction.MENTEE_OBSERVES)].values())
        pp.mentor_observed = sum(counts[_key(p, Direction.MENTOR_OBSERVES)].values())
        pp.quotas = quotas[p.pk]
        year.guide += pp.mentee_observed
        year.report += pp.mentor_observed
        in_term_sum.guide += term_counts[_key(p, Direction.MENTEE_OBSERVES)]
        in_term_sum.report += term_counts[_key(p, Direction.MENTOR_OBSERVES)]
        out.append(pp)
    for s in (year, in_term_sum):
        s.total = s.guide + s.report
    return out, year, in_term_sum


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    out: list[dt.date] = []
    m = month_start(first)
    while m <= last:
        out.append(m)
        m = next_month(m)
    return out


def due_months(pair: Mentorship, bounds: tuple[dt.date, dt.date], today: dt.date, grace: int) -> list[dt.date]:
    """Months whose report is due: from the pair's start to the last month that
    ended more than `grace` days ago, inside the school year."""
    start, end = bounds
    first = max(pair.start_date, start)
    last = min(end, today)
    return [m for m in months_between(first, last) if next_month(m) + dt.timedelta(days=grace) <= today]


def attach_report_status(progress: list[PairProgress], *, bounds: tuple[dt.date, dt.date], today: dt.date, grace: int) -> None:
    """Which months each pair filed, and which are overdue. One query; it reads only
    which months were filed, never the private texts."""
    filed: dict[int, set[dt.date]] = defaultdict(set)
    for mid, month in MentorshipReport.objects.filter(mentorship_id__in=[pp.pair.pk for pp in progress]).values_list(
        "mentorship_id", "month"
    ):
        filed[mid].add(month)
    for pp in progress:
        pp.filed_months = filed[pp.pair.pk]
        if pp.pair.is_active:
            due = due_months(pp.pair, bounds, today, grace)
            pp.due_count = len(due)
            pp.overdue_months = [m for m in due if m not in pp.filed_months]


def month_counts(pair: Mentorship, month: dt.date) -> dict[str, int]:
    """The month's counts for a 月报表, from the records."""
    end = next_month(month) - dt.timedelta(days=1)
    base = Observation.objects.counted().filter(school_id=pair.school_id, lesson_date__gte=month, lesson_date__lte=end)
    agg = base.aggregate(
        mentee_observed=Count("id", filter=Q(observer_id=pair.mentee_id, teacher_id=pair.mentor_id)),
        mentor_observed=Count("id", filter=Q(observer_id=pair.mentor_id, teacher_id=pair.mentee_id)),
    )
    return {k: v or 0 for k, v in agg.items()}


def records(
    *,
    user: Viewer,
    pair: Mentorship | None,
    school_id: int,
    school_year: SchoolYear,
    direction: str = "",
    kind: str = "",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> QuerySet[Observation]:
    """The observations behind a number: visible to the user through the observations door."""
    y_start, y_end = year_bounds(school_year)
    start, end = max(start or y_start, y_start), min(end or y_end, y_end)
    qs = visible_to(user, Observation, pair_observations(school_id, school_year.pk, start, end))
    if pair is not None:
        cond = Q()
        for d in [direction] if direction else [Direction.MENTEE_OBSERVES, Direction.MENTOR_OBSERVES]:
            observer, observed = _key(pair, d)
            cond |= Q(observer_id=observer, teacher_id=observed)
        qs = qs.filter(cond)
    elif direction:
        pairs = Mentorship.objects.filter(school_year_id=school_year.pk, school_id=school_id)
        if direction == Direction.MENTEE_OBSERVES:
            qs = qs.filter(Exists(pairs.filter(mentee_id=OuterRef("observer_id"), mentor_id=OuterRef("teacher_id"))))
        else:
            qs = qs.filter(Exists(pairs.filter(mentor_id=OuterRef("observer_id"), mentee_id=OuterRef("teacher_id"))))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("observer", "teacher").order_by("-lesson_date", "-id")


def mentor_suggestions(*, school: School, school_year: SchoolYear, today: dt.date) -> tuple[list[dict[str, Any]], list[Teacher]]:
    """For every new teacher (教龄 < 3) without a pair this year: the experienced
    teachers of the school, the suggested mentor first. Suggest the same-subject
    experienced teacher they already have most observations with, then the most
    experienced one with the fewest mentees. Four queries."""
    from xiaoben.org.selectors import new_teachers

    new = list(new_teachers(school.pk, today).exclude(mentorships_as_mentee__school_year=school_year).order_by("subject", "staff_no"))
    new_ids = {t.pk for t in new}
    mentors = [t for t in Teacher.objects.filter(school=school, is_active=True).order_by("subject", "staff_no") if not t.is_new(today)]
    mentors = [t for t in mentors if t.pk not in new_ids]
    together: dict[tuple[int, int], int] = defaultdict(int)
    if new_ids:
        rows = (
            Observation.objects.counted()
            .filter(school=school)
            .filter(Q(observer_id__in=new_ids) | Q(teacher_id__in=new_ids))
            .values("observer_id", "teacher_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for r in rows:
            together[(r["observer_id"], r["teacher_id"])] += r["n"]
            together[(r["teacher_id"], r["observer_id"])] += r["n"]
    load: dict[int, int] = defaultdict(int)
    for mid in Mentorship.objects.filter(school_year=school_year, is_active=True).values_list("mentor_id", flat=True):
        load[mid] += 1
    out: list[dict[str, Any]] = []
    for t in new:
        same = [m for m in mentors if m.subject == t.subject] or mentors
        best = None
        if same:

            def rank(m: Teacher, t: Teacher = t) -> tuple[int, bool, int, bool, int]:
                years = m.teaching_years(today) or 0
                return (together.get((t.pk, m.pk), 0), years >= 5, -load[m.pk], bool(set(m.grades or []) & set(t.grades or [])), years)

            best = max(same, key=rank)
            load[best.pk] += 1
        out.append({"teacher": t, "suggested": best, "observed_together": together.get((t.pk, best.pk), 0) if best else 0})
    return out, mentors


def mentorship_results(*, school_id: int, school_year_id: int) -> dict[int, dict[str, str]]:
    """For the assessment: teacher id → {"as_mentor": 等第, "as_mentee": 等第} from the
    school's end-of-year ratings ("" when not rated). Reads grades only, no texts."""
    out: dict[int, dict[str, str]] = {}
    rows = MentorshipEvaluation.objects.filter(
        mentorship__school_id=school_id, mentorship__school_year_id=school_year_id, role__in=["school_on_mentor", "school_on_mentee"]
    ).values_list("mentorship__mentor_id", "mentorship__mentee_id", "role", "grade")
    for mentor_id, mentee_id, role, grade in rows:
        if role == "school_on_mentor":
            out.setdefault(mentor_id, {"as_mentor": "", "as_mentee": ""})["as_mentor"] = grade
        else:
            out.setdefault(mentee_id, {"as_mentor": "", "as_mentee": ""})["as_mentee"] = grade
    return out


def current_school_year(school_id: int | None) -> SchoolYear | None:
    from xiaoben.org.selectors import current_term

    term = current_term(school_id)
    return term.school_year if term else None


# —— reads of the pages, for the viewer's scope ——


def school_years(scope: Scope, school: School) -> list[SchoolYear]:
    """The school's years, newest first (the year picker)."""
    return list(visible_to(scope, SchoolYear).filter(school=school).order_by("-start_year"))


def member_school_year(scope: Scope, year_id: int) -> SchoolYear | None:
    """A school year of a school the person works in or administers (pairs are known there)."""
    qs = visible_to(scope, SchoolYear).filter(pk=year_id).select_related("school")
    if not scope.is_platform_admin:
        qs = qs.filter(school_id__in=scope.member_school_ids)
    return qs.first()


def active_pairs(scope: Scope, *, school: School, school_year: SchoolYear) -> list[Mentorship]:
    """The year's active pairs of the school, by mentor and mentee (agreements, reminders, ratings)."""
    return list(
        visible_to(scope, Mentorship)
        .filter(school=school, school_year=school_year, is_active=True)
        .select_related("school", "school_year", "mentor", "mentee")
        .order_by("mentor__staff_no", "mentee__staff_no")
    )


def evaluations_by_pair(scope: Scope, pairs: list[Mentorship]) -> dict[tuple[int, str], MentorshipEvaluation]:
    """{(pair id, role): evaluation} of these pairs, as far as the person may read them."""
    return {(e.mentorship_id, e.role): e for e in visible_to(scope, MentorshipEvaluation).filter(mentorship__in=pairs)}


def mentor_choices(scope: Scope, pair: Mentorship) -> list[Teacher]:
    """Who may become the pair's mentor: the school's active teachers but the mentee."""
    qs = visible_to(scope, Teacher).filter(school_id=pair.school_id, is_active=True).exclude(pk=pair.mentee_id)
    return list(qs.order_by("subject", "staff_no"))
