"""API for plans, their 月度安排 items and the status of each (plan vs actual) — through
the door; writes through the services (which check the actor)."""

from __future__ import annotations

from ninja import Field, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from xiaoben.api.pagination import LazyPage
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user

from . import selectors, services, services_schedule
from .models import Plan, PlanItem

router = Router(tags=["研修计划"])


class PlanOut(Schema):
    id: int
    level: str
    level_display: str = Field(alias="get_level_display")
    title: str
    school_id: int | None
    group_id: int | None
    teacher_id: int | None
    term_id: int | None
    start_year: int
    span: str
    status: str
    status_display: str = Field(alias="get_status_display")
    revision: int
    is_current: bool


class SectionOut(Schema):
    id: int
    key: str
    title: str
    body: str


class ItemOut(Schema):
    """One row of the plan's progress (`selectors.plan_progress(...).rows`): the item and its status."""

    id: int = Field(alias="item.id")
    month: int | None = Field(alias="item.month")
    week: int | None = Field(alias="item.week")
    title: str = Field(alias="item.title")
    kind: str = Field(alias="item.kind")
    topic: str = Field(alias="item.topic")
    owner: str = Field(alias="item.owner")
    owner_label: str = Field(alias="item.owner_label")
    group_id: int | None = Field(alias="item.group_id")
    weekday: int | None = Field(alias="item.weekday")
    period: int | None = Field(alias="item.period")
    state: str = Field(alias="item.state")
    version: int = Field(alias="item.version")  # send it back with a change: a save from an older copy is refused
    status: str  # held / scheduled / not_yet / dropped
    overdue: bool
    activity_ids: list[int]

    @staticmethod
    def resolve_activity_ids(r) -> list[int]:
        return [a.pk for a in r.activities]


class ProgressOut(Schema):
    plan_id: int
    title: str
    total: int
    held: int
    scheduled: int
    not_yet: int
    overdue: int
    dropped: int
    percent: int


class PlanDetailOut(PlanOut):
    """A plan with its sections and its items' progress (the view sets `plan.progress_of`)."""

    sections: list[SectionOut]
    items: list[ItemOut]
    progress: ProgressOut

    @staticmethod
    def resolve_items(p) -> list:
        return p.progress_of.rows

    @staticmethod
    def resolve_progress(p) -> dict:
        return p.progress_of.as_dict()


class ItemIn(Schema):
    title: str
    month: int | None = None
    week: int | None = None
    kind: str = "other"
    topic: str = ""
    owner: str = "school"
    group_id: int | None = None
    weekday: int | None = None
    period: int | None = None


class ItemStateIn(Schema):
    state: str
    note: str = ""
    version: int  # the item's version this change was made from (ItemOut.version)


class ReviewIn(Schema):
    decision: str
    comment: str = ""


class ScheduleIn(Schema):
    month: int


class ScheduledOut(Schema):
    created: int
    activity_ids: list[int]


def _get(request, plan_id: int) -> Plan:
    return get_object_for_user(request.user, Plan, Plan.objects.select_related("school", "group", "teacher"), pk=plan_id)


@router.get("/", response=list[PlanOut])
@paginate(PageNumberPagination, page_size=50)
def plans(request, level: str = "", school_id: int | None = None, current: bool = True):
    qs = selectors.plan_list(user=request.user, level=level or None, school_id=school_id, current=current)
    return LazyPage(qs)


@router.get("/{plan_id}", response=PlanDetailOut)
def plan(request, plan_id: int):
    p = _get(request, plan_id)
    p.progress_of = selectors.plan_progress(p)
    return p


@router.get("/{plan_id}/progress", response=ProgressOut)
def progress(request, plan_id: int):
    return selectors.plan_progress(_get(request, plan_id)).as_dict()


@router.post("/{plan_id}/items", response={201: ItemOut})
def item_create(request, plan_id: int, payload: ItemIn):
    p = _get(request, plan_id)
    data = payload.dict()
    group_id = data.pop("group_id")
    group = selectors.plan_group(p, group_id)
    item = services.item_create(actor=scope_for(request.user), plan=p, group=group, **data)
    row = next(r for r in selectors.plan_progress(p).rows if r.item.pk == item.pk)
    return 201, row


@router.patch("/items/{item_id}", response=ItemOut)
def item_state(request, item_id: int, payload: ItemStateIn):
    """计划完成情况 by hand: done (a 总结, a 会议), dropped (with why), or open again."""
    item = get_object_for_user(request.user, PlanItem, PlanItem.objects.select_related("plan"), pk=item_id)
    services.item_mark(actor=scope_for(request.user), item=item, state=payload.state, note=payload.note, expected_version=payload.version)
    row = next(r for r in selectors.plan_progress(item.plan).rows if r.item.pk == item.pk)
    return row


@router.post("/{plan_id}/submit", response=PlanOut)
def submit(request, plan_id: int):
    return services.plan_submit(actor=scope_for(request.user), plan=_get(request, plan_id))


@router.post("/{plan_id}/review", response=PlanOut)
def review(request, plan_id: int, payload: ReviewIn):
    p = services.plan_review(actor=scope_for(request.user), plan=_get(request, plan_id), decision=payload.decision, comment=payload.comment)
    return p


@router.post("/{plan_id}/schedule", response=ScheduledOut)
def schedule(request, plan_id: int, payload: ScheduleIn):
    """Turn a month's items into draft activities for the groups that run them."""
    made = services_schedule.items_schedule_month(actor=scope_for(request.user), plan=_get(request, plan_id), month=payload.month)
    return {"created": len(made), "activity_ids": [a.pk for a in made]}
