"""Reads for 听课评课. Every list starts from `visible_to`; numbers come from SQL."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from xiaoben.core.scope import Scope, Viewer, scope_for
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Teacher

from .models import FeedbackFlag, Observation, ObservationScore, ObservationStatus, Rubric, RubricItem

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    from xiaoben.activities.models import LessonStudySeries
    from xiaoben.org.models import Term


def observation_list(
    *,
    user: Viewer,
    term_id: int | None = None,
    role: str = "",
    teacher_id: int | None = None,
    kind: str = "",
    q: str = "",
    backfilled: bool = False,
    include_drafts: bool = False,
) -> QuerySet[Observation]:
    """role: "given" (I observed), "received" (I was observed), "" (all I may see)."""
    scope = scope_for(user)
    qs = _shown(visible_to(user, Observation))
    if not include_drafts:
        qs = qs.filter(status=ObservationStatus.SUBMITTED)
    if term_id:
        qs = qs.filter(term_id=term_id)
    if role == "given":
        qs = qs.filter(observer_id=scope.teacher_id or -1)
    elif role == "received":
        qs = qs.filter(teacher_id=scope.teacher_id or -1)
    if teacher_id:
        qs = qs.filter(Q(teacher_id=teacher_id) | Q(observer_id=teacher_id))
    if kind:
        qs = qs.filter(kind=kind)
    if backfilled:
        qs = qs.filter(is_backfilled=True)
    if q:
        qs = qs.filter(Q(lesson_title__contains=q) | Q(teacher__name__contains=q) | Q(observer__name__contains=q))
    return qs.order_by("-lesson_date", "-id")


def _shown(qs: QuerySet[Observation]) -> QuerySet[Observation]:
    """What a list row shows: both people, the term, the activity, open copied-feedback flags
    (a correlated count, not a join + GROUP BY, which made PostgreSQL join and group every
    visible row of the term before sorting)."""
    open_flags = (
        FeedbackFlag.objects.filter(observation_id=OuterRef("pk"), resolved_at__isnull=True)
        .order_by()
        .values("observation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.select_related("observer", "teacher", "term__school_year", "activity")
    return qs.annotate(flag_count=Coalesce(Subquery(open_flags), 0))


def page_rows(page: QuerySet[Observation]) -> list[Observation]:
    """One page (`observation_list(...)[a:b]`) in one query, picked on the observations alone
    and joined to the people, term and activity for those rows only: joining first made the
    database join every visible observation of the term (and hash the district's activities)
    to keep thirty."""
    return list(_shown(Observation.objects.filter(pk__in=page.values("pk"))).order_by("-lesson_date", "-id"))


def my_drafts(*, user: Viewer) -> QuerySet[Observation]:
    scope = scope_for(user)
    qs: QuerySet[Observation] = Observation.objects.filter(observer_id=scope.teacher_id or -1, status=ObservationStatus.DRAFT)
    return qs.select_related("teacher").order_by("-updated_at")


def observation_detail_qs(user: Viewer) -> QuerySet[Observation]:
    return (
        visible_to(user, Observation)
        .select_related("observer", "teacher", "term__school_year", "rubric", "activity", "school")
        .prefetch_related(Prefetch("scores", queryset=ObservationScore.objects.select_related("item").order_by("item__order", "item_id")))
    )


def rubric_rows(obs: Observation) -> list[dict[str, Any]]:
    """Each rubric item with the points given (for the detail page and the .docx)."""
    given = {s.item_id: s.points for s in obs.scores.all()}
    items = list(obs.rubric.items.all()) if obs.rubric is not None else [s.item for s in obs.scores.all()]
    return [{"item": i, "points": given.get(i.pk)} for i in items]


def teacher_search(*, user: Viewer, q: str, limit: int = 8) -> list[Teacher]:
    """By name or pinyin initials ("zxm"), in the searcher's school."""
    scope = scope_for(user)
    q = (q or "").strip()
    if not q or not scope.teacher or not scope.teacher_id:
        return []
    qs = Teacher.objects.filter(school_id=scope.teacher.school_id, is_active=True).exclude(pk=scope.teacher_id)
    qs = qs.filter(Q(name__contains=q) | Q(name_initials__istartswith=q.lower()) | Q(staff_no=q))
    return list(qs.order_by("name_initials", "staff_no")[:limit])


def rubric_list(*, user: Viewer, school_id: int, include_old: bool = False) -> QuerySet[Rubric]:
    qs = visible_to(user, Rubric).filter(school_id=school_id)
    if not include_old:
        qs = qs.filter(is_current=True)
    return qs.annotate(item_count=Count("items", distinct=True), used=Count("observations", distinct=True)).order_by(
        "-is_default", "name", "-version"
    )


def rubric_versions(rubric: Rubric) -> QuerySet[Rubric]:
    root = rubric.lineage_id_or_self
    return Rubric.objects.filter(Q(pk=root) | Q(lineage_id=root)).annotate(used=Count("observations", distinct=True)).order_by("-version")


def flag_list(*, user: Viewer, open_only: bool = True) -> QuerySet[FeedbackFlag]:
    qs = visible_to(user, FeedbackFlag).select_related(
        "observation__observer", "observation__teacher", "similar_to__observer", "similar_to__teacher"
    )
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs.order_by("-created_at")


def activity_averages(*, user: Viewer, term_id: int | None = None) -> list[dict[str, Any]]:
    """Observations linked to an activity, averaged by dimension per activity (one query).
    Stands in for lesson-study rounds: each linked activity is one round."""
    obs = visible_to(user, Observation).filter(status=ObservationStatus.SUBMITTED, activity__isnull=False)
    if term_id:
        obs = obs.filter(term_id=term_id)
    rows = (
        ObservationScore.objects.filter(observation__in=obs.values("pk"))
        .values("observation__activity_id", "observation__activity__title", "observation__activity__starts_at", "item__dimension")
        .annotate(avg=Avg(F("points") * 100 / F("item__max_points")), n=Count("observation_id", distinct=True))
        .order_by("observation__activity__starts_at", "observation__activity_id")
    )
    out: dict[int, dict[str, Any]] = {}
    for r in rows:
        a = out.setdefault(
            r["observation__activity_id"],
            {
                "id": r["observation__activity_id"],
                "title": r["observation__activity__title"],
                "starts_at": r["observation__activity__starts_at"],
                "dims": {},
                "n": 0,
            },
        )
        a["dims"][r["item__dimension"]] = round(Decimal(r["avg"] or 0), 1)
        a["n"] = max(a["n"], r["n"])
    return list(out.values())


def dimension_order(rubric: Rubric | None) -> list[str]:
    if rubric is None:
        return []
    seen: list[str] = []
    for d in RubricItem.objects.filter(rubric=rubric).order_by("order", "id").values_list("dimension", flat=True):
        if d not in seen:
            seen.append(d)
    return seen


def series_round_averages(*, user: Viewer, series: LessonStudySeries) -> list[dict[str, Any]]:
    """一课多研/同课异构: each round's average by dimension (百分制), from the
    observations linked to the round's activity that this person may see.
    Two queries whatever the number of rounds and observations."""
    from xiaoben.activities.selectors import series_rounds

    rounds = list(series_rounds(series))
    numbers = dict(series.rounds.values_list("activity_id", "number"))
    obs = visible_to(user, Observation).filter(status=ObservationStatus.SUBMITTED, activity__in=[a.pk for a in rounds])
    rows = (
        ObservationScore.objects.filter(observation__in=obs.values("pk"))
        .values("observation__activity_id", "item__dimension")
        .annotate(avg=Avg(F("points") * 100 / F("item__max_points")), n=Count("observation_id", distinct=True))
        .order_by()
    )
    by_activity: dict[int, dict[str, Any]] = {}
    for r in rows:
        a = by_activity.setdefault(r["observation__activity_id"], {"dims": {}, "n": 0})
        a["dims"][r["item__dimension"]] = round(Decimal(r["avg"] or 0), 1)
        a["n"] = max(a["n"], r["n"])
    out = []
    for i, act in enumerate(rounds, start=1):
        data = by_activity.get(act.pk, {"dims": {}, "n": 0})
        dims = data["dims"]
        out.append(
            {
                "number": numbers.get(act.pk, i),
                "activity": act,
                "n": data["n"],
                "dims": dims,
                "mean": round(sum(dims.values()) / len(dims), 1) if dims else None,
            }
        )
    return out


def period_clashes(
    *, observer_id: int, lesson_date: dt.date | None, period: int | None, exclude_pk: int | None = None
) -> list[Observation]:
    """The observer's other lessons in the same 第N节 of the same day: one person cannot sit in
    two classrooms at once, so a second one is worth a warning (not a refusal: a 补录 may fix a date)."""
    if not period or lesson_date is None:
        return []
    qs = Observation.objects.filter(observer_id=observer_id, lesson_date=lesson_date, period=period).select_related("teacher")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return list(qs.order_by("id")[:5])


def clash_warning(obs: Observation) -> str:
    """「同一天第3节你还记录了听王老师的《秋天的雨》」— empty when there is no clash."""
    clashes = period_clashes(observer_id=obs.observer_id, lesson_date=obs.lesson_date, period=obs.period, exclude_pk=obs.pk)
    if not clashes:
        return ""
    names = "、".join(f"{o.teacher.name}的《{o.lesson_title or '无课题'}》" for o in clashes)
    return f"注意：{obs.lesson_date:%m月%d日}第{obs.period}节你还记录了听{names}，同一节课不能同时在两个教室听课，请核对日期和节次。"


def region_observation_stats(*, school_ids: Iterable[int], start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """听课统计 of a region's schools, aggregates only (no names): per school the submitted
    observations in the window, per teacher, by kind, how many teachers observed at least once,
    the 补录 share and the average score. Two grouped queries whatever the region's size."""
    from django.db.models import Count, Q

    from xiaoben.org.models import School

    from .models import ObservationKind

    schools = list(School.objects.filter(id__in=school_ids).order_by("name").only("id", "name", "short_name"))
    teachers = dict(
        Teacher.objects.filter(school_id__in=[s.pk for s in schools], is_active=True)
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"))
        .values_list("school_id", "n")
    )
    kinds = list(ObservationKind.choices)
    agg = {
        "n": Count("id"),
        "observers": Count("observer_id", distinct=True),
        "backfilled": Count("id", filter=Q(is_backfilled=True)),
        "avg": Avg("total"),
        **{f"k_{k}": Count("id", filter=Q(kind=k)) for k, _ in kinds},
    }
    rows = {
        r["school_id"]: r
        for r in Observation.objects.filter(
            school_id__in=[s.pk for s in schools], status=ObservationStatus.SUBMITTED, lesson_date__gte=start, lesson_date__lte=end
        )
        .order_by()
        .values("school_id")
        .annotate(**agg)
    }
    out = []
    for s in schools:
        r, n = rows.get(s.pk, {}), teachers.get(s.pk, 0)
        count = r.get("n", 0)
        out.append(
            {
                "school": s,
                "teachers": n,
                "observations": count,
                "per_teacher": round(count / n, 1) if n else 0,
                "observers": r.get("observers", 0),
                "observers_share": round(r.get("observers", 0) * 100 / n) if n else 0,
                "backfilled_share": round(r.get("backfilled", 0) * 100 / count) if count else 0,
                "average": round(float(r["avg"]), 1) if r.get("avg") is not None else None,
                "by_kind": [r.get(f"k_{k}", 0) for k, _ in kinds],
            }
        )
    return out


# -- reads the pages and the API ask for (issue 11: no view queries past the door) ----------------


def school_terms(school_id: int | None) -> list[Term]:
    """The terms a school's pages offer in their term picker, oldest first."""
    from xiaoben.org.models import Term

    if school_id is None:
        return []
    return list(Term.objects.filter(school_id=school_id).select_related("school_year"))


def own_draft(scope: Scope, pk: int | None) -> Observation | None:
    """The observer's own draft with this id (an autosaved draft posted back with the form)."""
    if not pk:
        return None
    qs: QuerySet[Observation] = Observation.objects.filter(
        pk=pk, observer_id=scope.teacher_id, status=ObservationStatus.DRAFT, deleted_at__isnull=True
    )
    return qs.first()


def created_by_token(scope: Scope, token: str) -> Observation | None:
    """The record the same form (its token) already created: a double tap makes one record."""
    if not token:
        return None
    return Observation.all_objects.filter(observer_id=scope.teacher_id, form_token=token, deleted_at__isnull=True).first()


def observed_teacher(scope: Scope, teacher_id: int) -> Teacher | None:
    """A teacher of the actor's school who may be observed (active)."""
    if scope.school_id is None:
        return None
    return Teacher.objects.filter(pk=teacher_id, school_id=scope.school_id, is_active=True).first()


def rubrics_with_items(user: Viewer) -> QuerySet[Rubric]:
    return visible_to(user, Rubric).prefetch_related(Prefetch("items", queryset=RubricItem.objects.order_by("order", "id")))
