"""Reads of the 学时 ledger: a teacher's totals against the yearly target and the
five-year cycle, and the school's statistics (teachers × categories, in SQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import School, Teacher
from xiaoben.requirements.models import Audience, Period, Requirement

from .models import ClaimStatus, ClaimStep, HourCategory, HourEntry, TrainingClaim

ZERO = Decimal("0")
ONE_PLACE = Decimal("0.1")
# what a school starts with (the migration of the old settings, the demo); the numbers
# themselves are Requirement rows (`hours_requirements`)
DEFAULT_YEAR_TARGET = 72
DEFAULT_CYCLE_TARGET = 360
CYCLE_YEARS = 5
CYCLE_ANCHOR = 2022  # 2022–2026, 2027–2031 … unless the school sets its own start year


@dataclass(frozen=True)
class Targets:
    year: Decimal
    cycle: Decimal
    cycle_start: int
    cycle_end: int

    @property
    def cycle_label(self) -> str:
        return f"{self.cycle_start}—{self.cycle_end}年"

    def for_teacher(self, teacher: Teacher, year: int) -> Targets:
        """A teacher who joined this school (or began teaching) during the year or cycle owes
        the share of it after that day, rounded up — the same rule as the requirements engine."""
        from xiaoben.requirements.periods import scaled_target

        def share(start: dt.date, end: dt.date) -> Fraction:
            begin = teacher.judged_from(start)
            if begin <= start:
                return Fraction(1)
            return Fraction(max(0, (end - begin).days + 1), (end - start).days + 1)

        y = share(dt.date(year, 1, 1), dt.date(year, 12, 31))
        c = share(dt.date(self.cycle_start, 1, 1), dt.date(self.cycle_end, 12, 31))
        return Targets(
            year=scaled_target(self.year, y) if self.year else self.year,
            cycle=scaled_target(self.cycle, c) if self.cycle else self.cycle,
            cycle_start=self.cycle_start,
            cycle_end=self.cycle_end,
        )


HOURS_METRIC = "hours.total"


def hours_requirements(school_ids: list[int]) -> dict[int, dict[str, Requirement]]:
    """{school id: {period: Requirement}}: the school's 学时 targets, which are requirements on
    `hours.total` for all teachers, every category — 每年（自然年） and 五年周期 (one query for
    any number of schools). The 学时 settings page edits these rows; the engine counts them."""
    rows = Requirement.objects.filter(
        school_id__in=school_ids,
        active=True,
        metric=HOURS_METRIC,
        applies_to=Audience.ALL,
        period__in=[Period.YEAR, Period.FIVE_YEAR],
        school_year__isnull=True,
    ).order_by("order", "id")
    out: dict[int, dict[str, Requirement]] = {sid: {} for sid in school_ids}
    for r in rows:
        if not (r.filters or {}).get("categories") and r.school_id is not None:
            out[r.school_id].setdefault(r.period, r)
    return out


def _targets(school: School, year: int, reqs: dict[str, Requirement]) -> Targets:
    start = int(school.setting("hours_cycle_start_year", CYCLE_ANCHOR) or CYCLE_ANCHOR)
    cycle_start = year - (year - start) % CYCLE_YEARS
    y, c = reqs.get(Period.YEAR), reqs.get(Period.FIVE_YEAR)
    return Targets(
        year=Decimal(y.threshold) if y else ZERO,
        cycle=Decimal(c.threshold) if c else ZERO,
        cycle_start=cycle_start,
        cycle_end=cycle_start + CYCLE_YEARS - 1,
    )


def targets_for(school: School, year: int) -> Targets:
    """学时 targets: the school's requirements on `hours.total` (`hours_requirements`; 0 when
    none is set); the cycle's first year is the school setting hours_cycle_start_year, which
    the engine's 五年周期 reads too."""
    return _targets(school, year, hours_requirements([school.pk])[school.pk])


def targets_for_schools(schools: list[School], year: int) -> dict[int, Targets]:
    """`targets_for` for many schools in one query."""
    reqs = hours_requirements([s.pk for s in schools])
    return {s.pk: _targets(s, year, reqs[s.pk]) for s in schools}


def _sum(cond: Q | None = None) -> Coalesce:
    return Coalesce(Sum("hours", filter=cond), Value(ZERO), output_field=DecimalField(max_digits=8, decimal_places=1))


def category_totals(qs: QuerySet[HourEntry]) -> dict[str, Decimal]:
    """{category: hours} plus "total", in one query."""
    agg = qs.aggregate(total=_sum(), **{c: _sum(Q(category=c)) for c in HourCategory.values})
    return {k: Decimal(v or 0).quantize(ONE_PLACE) for k, v in agg.items()}


@dataclass
class LedgerSummary:
    year: int
    targets: Targets
    year_totals: dict[str, Decimal]
    cycle_totals: dict[str, Decimal]

    @property
    def year_share(self) -> float:
        return min(1.0, float(self.year_totals["total"] / self.targets.year)) if self.targets.year else 1.0

    @property
    def cycle_share(self) -> float:
        return min(1.0, float(self.cycle_totals["total"] / self.targets.cycle)) if self.targets.cycle else 1.0

    @property
    def year_missing(self) -> Decimal:
        return max(ZERO, self.targets.year - self.year_totals["total"])

    @property
    def cycle_missing(self) -> Decimal:
        return max(ZERO, self.targets.cycle - self.cycle_totals["total"])

    def rows(self) -> list[dict[str, Any]]:
        return [
            {"code": c, "label": str(label), "year": self.year_totals[c], "cycle": self.cycle_totals[c]}
            for c, label in HourCategory.choices
        ]


def ledger_summary(teacher: Teacher, year: int) -> LedgerSummary:
    t = targets_for(teacher.school, year).for_teacher(teacher, year)
    # the year lies inside its cycle: one aggregate over the cycle gives both
    in_year = Q(date__year=year)
    agg = (
        HourEntry.objects.counted()
        .filter(teacher=teacher, date__year__gte=t.cycle_start, date__year__lte=t.cycle_end)
        .aggregate(
            y_total=_sum(in_year),
            **{f"y_{c}": _sum(in_year & Q(category=c)) for c in HourCategory.values},
            c_total=_sum(),
            **{f"c_{c}": _sum(Q(category=c)) for c in HourCategory.values},
        )
    )
    totals = {k: Decimal(v or 0).quantize(ONE_PLACE) for k, v in agg.items()}
    return LedgerSummary(
        year=year,
        targets=t,
        year_totals={k[2:]: v for k, v in totals.items() if k.startswith("y_")},
        cycle_totals={k[2:]: v for k, v in totals.items() if k.startswith("c_")},
    )


def ledger_entries(*, user: Viewer, teacher: Teacher, year: int | None = None, category: str = "") -> QuerySet[HourEntry]:
    qs = visible_to(user, HourEntry).filter(teacher=teacher).select_related("term__school_year", "activity")
    if year:
        qs = qs.filter(date__year=year)
    if category:
        qs = qs.filter(category=category)
    return qs.order_by("-date", "-id")


def ledger_years(teacher: Teacher, today: dt.date) -> list[int]:
    years = {d.year for d in HourEntry.objects.counted().filter(teacher=teacher).dates("date", "year")}
    years.add(today.year)
    return sorted(years, reverse=True)


def claim_ids_of(entries: Iterable[HourEntry]) -> dict[int, int]:
    """{entry.pk: claim id} for claim entries (source_ref 'claim:<id>'), no query."""
    out: dict[int, int] = {}
    for e in entries:
        ref = e.source_ref
        if ref.startswith("claim:") and ref[6:].isdigit():
            out[e.pk] = int(ref[6:])
    return out


def school_hour_stats(*, school: School, year: int, search: str = "") -> QuerySet[Teacher]:
    """Every active teacher of the school with their hours by category for `year` and
    for the cycle holding it: one query per page, whatever the number of entries."""
    t = targets_for(school, year)
    alive = HourEntry.counted_through("hour_entries")
    in_year = alive & Q(hour_entries__date__year=year)
    in_cycle = alive & Q(hour_entries__date__year__gte=t.cycle_start, hour_entries__date__year__lte=t.cycle_end)

    def s(cond: Q) -> Coalesce:
        return Coalesce(Sum("hour_entries__hours", filter=cond), Value(ZERO), output_field=DecimalField(max_digits=8, decimal_places=1))

    qs = Teacher.objects.filter(school=school, is_active=True)
    if search:
        qs = qs.filter(Q(name__contains=search) | Q(staff_no__iexact=search) | Q(name_initials__istartswith=search.lower()))
    return qs.annotate(
        year_total=s(in_year),
        cycle_total=s(in_cycle),
        **{f"cat_{c}": s(in_year & Q(hour_entries__category=c)) for c in HourCategory.values},
    ).order_by("staff_no")


def school_year_overview(school: School, year: int) -> dict[str, Any]:
    """Whole-school figures for the statistics header (one aggregate query)."""
    t = targets_for(school, year)
    totals = category_totals(HourEntry.objects.counted().filter(school=school, date__year=year))
    teachers = Teacher.objects.filter(school=school, is_active=True).count()
    return {"totals": totals, "teachers": teachers, "targets": t}


# —— claims ——


def claims_for_teacher(scope: Scope) -> QuerySet[TrainingClaim]:
    """The person's own claims, newest first."""
    return visible_to(scope, TrainingClaim).filter(teacher_id=scope.teacher_id or 0).order_by("-created_at", "-id")


def claims_to_review(*, scope: Scope, status: str = ClaimStatus.PENDING) -> QuerySet[TrainingClaim]:
    """The claims waiting for this person: 学校审核 for school admins of their schools,
    区县审核 for 教研员 of their region's schools."""
    cond = Q(pk__in=[])
    school_ids = [sid for sid in scope.admin_school_ids if scope.can("hours:approve_school", sid)]
    if scope.is_platform_admin:
        cond = Q()
    else:
        if school_ids:
            cond |= Q(school_id__in=school_ids, step=ClaimStep.SCHOOL)
        if scope.can("hours:approve_region") and scope.region_school_ids:
            cond |= Q(school_id__in=scope.region_school_ids, step=ClaimStep.REGION)
    qs = visible_to(scope, TrainingClaim).select_related("teacher", "school")
    if not status:  # history: every claim this person may see as a reviewer
        if not scope.is_platform_admin:
            qs = qs.filter(Q(school_id__in=school_ids) | Q(school_id__in=scope.region_school_ids, reached_region=True))
        return qs.order_by("-submitted_at", "-id")
    return qs.filter(cond, status=status).order_by("submitted_at", "id")


def region_school_ids(scope: Scope) -> Iterable[int]:
    """The schools a 教研员 compares: their region's (every school for a platform admin)."""
    if scope.is_platform_admin:
        return visible_to(scope, School).values_list("id", flat=True)
    return scope.region_school_ids


def region_hour_stats(*, school_ids: Iterable[int], year: int) -> list[dict[str, Any]]:
    """A 教研员's comparison of their schools: teachers, hours by category, average per
    teacher and how many met the yearly target. A fixed number of queries (three, the kept
    per-teacher totals' two reads — a few more for schools whose entries changed — and the
    active teachers), whatever the number of schools and teachers."""
    from django.db.models import Count

    schools = list(School.objects.filter(id__in=list(school_ids)).order_by("name"))
    ids = [s.pk for s in schools]
    sums = {
        row["school_id"]: row
        for row in HourEntry.objects.counted()
        .filter(school_id__in=ids, date__year=year)
        .order_by()
        .values("school_id")
        .annotate(total=_sum(), **{c: _sum(Q(category=c)) for c in HourCategory.values})
    }
    heads = dict(
        Teacher.objects.filter(school_id__in=ids, is_active=True)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    targets = targets_for_schools(schools, year)
    by_target: dict[Decimal, list[int]] = {}
    for s in schools:
        by_target.setdefault(targets[s.pk].year, []).append(s.pk)
    met: dict[int, int] = {}
    # Each teacher's year from the kept per-teacher totals (requirements.kept: recomputed only
    # for the schools whose entries changed), not a pass over every school's year of entries.
    # An active teacher without entries has 0 学时 and meets only a target of 0.
    from xiaoben.requirements import kept
    from xiaoben.requirements.registry import get_metric

    metric = get_metric(HOURS_METRIC)
    assert metric is not None  # registered by hours/metrics.py
    wanted = [sid for target, sids in by_target.items() if target > 0 for sid in sids]
    totals = kept.values(metric, school_ids=wanted, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)) if wanted else {}
    active = Teacher.objects.filter(school_id__in=wanted, is_active=True).values_list("id", "school_id") if wanted else []
    target_of = {sid: target for target, sids in by_target.items() for sid in sids}
    for target, sids in by_target.items():
        if target <= 0:
            met.update({sid: heads.get(sid, 0) for sid in sids})
    for tid, sid in active:
        if totals.get(tid, ZERO) >= target_of[sid]:
            met[sid] = met.get(sid, 0) + 1
    rows = []
    for s in schools:
        agg = sums.get(s.pk, {})
        n = heads.get(s.pk, 0)
        total = Decimal(agg.get("total") or 0).quantize(ONE_PLACE)
        rows.append(
            {
                "school": s,
                "teachers": n,
                "total": total,
                "by_category": [Decimal(agg.get(c) or 0).quantize(ONE_PLACE) for c in HourCategory.values],
                "average": (total / n).quantize(ONE_PLACE) if n else ZERO,
                "met": met.get(s.pk, 0),
                "target": targets[s.pk].year,
            }
        )
    return rows
