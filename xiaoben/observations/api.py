"""API for rubrics and observations — through the same door as the pages."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import selectors, services
from .models import Observation, Rubric
from .rubrics import rubric_save

router = Router(tags=["听课评课"])  # /api/v1/observations/
rubrics_router = Router(tags=["听课评课"])  # /api/v1/rubrics/


class RubricItemOut(Schema):
    id: int
    dimension: str
    title: str
    descriptor: str
    weight: Decimal
    max_points: Decimal


class RubricOut(Schema):
    id: int
    school_id: int
    name: str
    version: int
    is_current: bool
    is_default: bool
    grade_scale: list
    items: list[RubricItemOut]

    @staticmethod
    def resolve_items(r: Rubric) -> list:
        return list(r.items.all())


class ScoreOut(Schema):
    item_id: int
    dimension: str
    title: str
    points: Decimal
    max_points: Decimal

    @staticmethod
    def resolve_dimension(s) -> str:
        return s.item.dimension

    @staticmethod
    def resolve_title(s) -> str:
        return s.item.title

    @staticmethod
    def resolve_max_points(s) -> Decimal:
        return s.item.max_points


class ObservationOut(Schema):
    id: int
    school_id: int
    term_id: int
    observer_id: int
    observer_name: str
    teacher_id: int
    teacher_name: str
    lesson_date: dt.date
    period: int | None
    subject: str
    grade: int | None
    class_name: str
    lesson_title: str
    kind: str
    kind_display: str
    activity_id: int | None
    rubric_id: int | None
    total: Decimal | None
    grade_label: str
    status: str
    is_backfilled: bool
    created_at: dt.datetime

    @staticmethod
    def resolve_observer_name(o: Observation) -> str:
        return o.observer.name

    @staticmethod
    def resolve_teacher_name(o: Observation) -> str:
        return o.teacher.name

    @staticmethod
    def resolve_kind_display(o: Observation) -> str:
        return o.get_kind_display()


class FeedbackFlagOut(Schema):
    """评课意见雷同: the share of this feedback found in another record (复制比, 0–1).
    The other record is named (id, title, author) only when the caller may open it now."""

    copied_share: float
    flagged: bool  # at or above the school's threshold and not yet resolved by a reviewer
    similar_to_id: int | None  # None: a record the caller may not open
    title: str
    author: str
    resolved: bool


class ObservationDetailOut(ObservationOut):
    # The copy check of the feedback, only for those who review copied feedback (else null),
    # as for writings: copied_share (the largest share found in one other record), flagged, sources.
    copied_share: float | None = None
    flagged: bool | None = None
    feedback_flags: list[FeedbackFlagOut] | None = None
    notes: str
    strengths: str
    weaknesses: str
    suggestions: str
    scores: list[ScoreOut]

    @staticmethod
    def resolve_scores(o: Observation) -> list:
        return list(o.scores.all())

    @staticmethod
    def resolve_feedback_flags(o: Observation, context) -> list[dict] | None:
        return _flags(o, context)

    @staticmethod
    def resolve_copied_share(o: Observation, context) -> float | None:
        flags = _flags(o, context)
        return max(f["copied_share"] for f in flags) if flags else None

    @staticmethod
    def resolve_flagged(o: Observation, context) -> bool | None:
        flags = _flags(o, context)
        return any(f["flagged"] for f in flags) if flags else None


def _flags(o: Observation, context) -> list[dict] | None:
    """评课意见雷同 flags on this record for those who review copied feedback (else none);
    each source through the door at the moment it is shown. Once per object."""
    if not hasattr(o, "_flags_out"):
        from .similarity import KIND, threshold

        user = context["request"].user
        flags = list(selectors.flag_list(user=user, open_only=False).filter(observation=o))
        out = None
        if flags:
            from xiaoben.core import textsim

            views = textsim.source(KIND).describe(scope_for(user), [f.similar_to_id for f in flags])
            limit = threshold(o.school)
            out = []
            for f in flags:
                view = views.get(f.similar_to_id)
                out.append(
                    {
                        "copied_share": float(f.similarity),
                        "flagged": f.resolved_at is None and float(f.similarity) >= limit,
                        "similar_to_id": f.similar_to_id if view else None,
                        "title": view.title if view else "无权查看的来源",
                        "author": view.author if view else "",
                        "resolved": f.resolved_at is not None,
                    }
                )
        o._flags_out = out
    return o._flags_out


class RubricItemIn(Schema):
    dimension: str
    title: str
    descriptor: str = ""
    weight: Decimal
    max_points: Decimal


class RubricIn(Schema):
    name: str
    grade_scale: list[tuple[str, float]] = [("优", 90), ("良", 80), ("中", 60), ("差", 0)]
    is_default: bool = False
    items: list[RubricItemIn]


class ScoreIn(Schema):
    item_id: int
    points: Decimal


class ObservationIn(Schema):
    teacher_id: int
    lesson_date: dt.date
    lesson_title: str = ""
    kind: str = "regular"
    period: int | None = None
    subject: str = ""
    grade: int | None = None
    class_name: str = ""
    activity_id: int | None = None
    notes: str = ""
    strengths: str = ""
    weaknesses: str = ""
    suggestions: str = ""
    scores: list[ScoreIn] = []
    submit: bool = True


@rubrics_router.get("/", response=list[RubricOut])
@paginate(PageNumberPagination, page_size=50)
def rubrics(request, include_old: bool = False):
    qs = selectors.rubrics_with_items(request.user)
    if not include_old:
        qs = qs.filter(is_current=True)
    return qs.order_by("school_id", "name", "-version")


@rubrics_router.get("/{rubric_id}", response=RubricOut)
def rubric(request, rubric_id: int):
    return get_object_for_user(request.user, Rubric, pk=rubric_id)


def _rubric_write(request, payload: RubricIn, rubric: Rubric | None):
    from xiaoben.org.selectors import school_for_scope

    from .rubrics import parse_scale

    scope = scope_for(request.user)
    if scope.school_id is None or not scope.can("rubrics:manage", scope.school_id):
        raise Http404
    scale = parse_scale("，".join(f"{label}:{m}" for label, m in payload.grade_scale))
    return rubric_save(
        school=school_for_scope(scope),
        user=request.user,
        name=payload.name,
        items=[i.model_dump() for i in payload.items],
        grade_scale=scale,
        rubric=rubric,
        is_default=payload.is_default,
    )


@rubrics_router.post("/", response={201: RubricOut})
def rubric_create(request, payload: RubricIn):
    """A school admin (`rubrics:manage`) adds a 课堂评价表 to their school."""
    return Status(201, _rubric_write(request, payload, None))


@rubrics_router.put("/{rubric_id}", response=RubricOut)
def rubric_update(request, rubric_id: int, payload: RubricIn):
    """Edit a rubric. If it has scored an observation, a new version is created
    (returned, with a new id); old observations keep theirs."""
    rubric = get_object_for_user(request.user, Rubric, pk=rubric_id)
    if not scope_for(request.user).admin_of(rubric.school_id):
        raise Http404
    return _rubric_write(request, payload, rubric)


class _PagePagination(PageNumberPagination):
    """The page is picked on the observations alone, then joined (`selectors.page_rows`)."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        out = super().paginate_queryset(queryset, pagination, request, **params)
        out[self.items_attribute] = selectors.page_rows(out[self.items_attribute])
        return out


@router.get("/", response=list[ObservationOut])
@paginate(_PagePagination, page_size=50)
def observations(request, term_id: int | None = None, role: str = "", teacher_id: int | None = None, kind: str = ""):
    qs = selectors.observation_list(user=request.user, term_id=term_id, role=role, teacher_id=teacher_id, kind=kind)
    return qs


@router.get("/{observation_id}", response=ObservationDetailOut)
def observation(request, observation_id: int):
    return get_object_for_user(request.user, Observation, selectors.observation_detail_qs(request.user), pk=observation_id)


@router.post("/", response={201: ObservationDetailOut})
def observation_create(request, payload: ObservationIn):
    """Record an observation (submit=false keeps it as a draft). Scores default to none:
    a submitted observation must score every item of the school's current rubric."""
    scope = scope_for(request.user)
    if scope.teacher is None or not scope.can("observations:write", scope.school_id):
        raise Http404
    teacher = selectors.observed_teacher(scope, payload.teacher_id)
    if teacher is None:
        raise Http404
    activity = None
    if payload.activity_id:
        from xiaoben.activities.models import Activity

        activity = get_object_for_user(request.user, Activity, pk=payload.activity_id)
    data = services.ObservationInput(
        teacher=teacher,
        lesson_date=payload.lesson_date,
        lesson_title=payload.lesson_title,
        kind=payload.kind,
        period=payload.period,
        subject=payload.subject or teacher.subject,
        grade=payload.grade,
        class_name=payload.class_name,
        activity=activity,
        notes=payload.notes,
        strengths=payload.strengths,
        weaknesses=payload.weaknesses,
        suggestions=payload.suggestions,
        points={s.item_id: s.points for s in payload.scores},
    )
    obs = services.observation_save(actor=scope, data=data, submit=payload.submit)
    return Status(201, get_object_for_user(request.user, Observation, selectors.observation_detail_qs(request.user), pk=obs.pk))
