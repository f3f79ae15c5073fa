"""API for plans, their 月度安排 items and the status of each (plan vs actual) — through
the door; writes through the services (which check the actor)."""

from __future__ import annotations

from ninja import Router, Schema
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
    level_display: str
    title: str
    school_id: int | None
    group_id: int | None
    teacher_id: int | None
    term_id: int | None
    start_year: int
    span: str
    status: str
    status_display: str
    revision: int
    is_current: bool


class SectionOut(Schema):
    id: int
    key: str
    title: str
    body: str


class ItemOut(Schema):
    id: int
    month: int | None
    week: int | None
    title: str
    kind: str
    topic: str
    owner: str
    owner_label: str
    group_id: int | None
    weekday: int | None
    period: int | None
    state: str
    version: int  # send it back with a change: a save from an older copy is refused
    status: str  # held / scheduled / not_yet / dropped
    overdue: bool
    activity_ids: list[int]


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
    sections: list[SectionOut]
    items: list[ItemOut]
    progress: ProgressOut


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


def _plan_out(p: Plan) -> dict:
    return {
        "id": p.pk,
        "level": p.level,
        "level_display": p.get_level_display(),
        "title": p.title,
        "school_id": p.school_id,
        "group_id": p.group_id,
        "teacher_id": p.teacher_id,
        "term_id": p.term_id,
        "start_year": p.start_year,
        "span": p.span,
        "status": p.status,
        "status_display": p.get_status_display(),
        "revision": p.revision,
        "is_current": p.is_current,
    }


def _item_out(r) -> dict:
    it = r.item
    return {
        "id": it.pk,
        "month": it.month,
        "week": it.week,
        "title": it.title,
        "kind": it.kind,
        "topic": it.topic,
        "owner": it.owner,
        "owner_label": it.owner_label,
        "group_id": it.group_id,
        "weekday": it.weekday,
        "period": it.period,
        "state": it.state,
        "version": it.version,
        "status": r.status,
        "overdue": r.overdue,
        "activity_ids": [a.pk for a in r.activities],
    }


def _get(request, plan_id: int) -> Plan:
    return get_object_for_user(request.user, Plan, Plan.objects.select_related("school", "group", "teacher"), pk=plan_id)


@router.get("/", response=list[PlanOut])
@paginate(PageNumberPagination, page_size=50)
def plans(request, level: str = "", school_id: int | None = None, current: bool = True):
    qs = selectors.plan_list(user=request.user, level=level or None, school_id=school_id, current=current)
    return LazyPage(qs, _plan_out)


@router.get("/{plan_id}", response=PlanDetailOut)
def plan(request, plan_id: int):
    p = _get(request, plan_id)
    progress = selectors.plan_progress(p)
    return _plan_out(p) | {
        "sections": [{"id": s.pk, "key": s.key, "title": s.title, "body": s.body} for s in p.sections.all()],
        "items": [_item_out(r) for r in progress.rows],
        "progress": progress.as_dict(),
    }


@router.get("/{plan_id}/progress", response=ProgressOut)
def progress(request, plan_id: int):
    return selectors.plan_progress(_get(request, plan_id)).as_dict()


@router.post("/{plan_id}/items", response={201: ItemOut})
def item_create(request, plan_id: int, payload: ItemIn):
    p = _get(request, plan_id)
    data = payload.dict()
    group_id = data.pop("group_id")
    group = None
    if group_id:
        from xiaoben.org.models import Group

        group = Group.objects.filter(pk=group_id, school_id=p.school_id).first()
    item = services.item_create(actor=scope_for(request.user), plan=p, group=group, **data)
    row = next(r for r in selectors.plan_progress(p).rows if r.item.pk == item.pk)
    return 201, _item_out(row)


@router.patch("/items/{item_id}", response=ItemOut)
def item_state(request, item_id: int, payload: ItemStateIn):
    """计划完成情况 by hand: done (a 总结, a 会议), dropped (with why), or open again."""
    item = get_object_for_user(request.user, PlanItem, PlanItem.objects.select_related("plan"), pk=item_id)
    services.item_mark(actor=scope_for(request.user), item=item, state=payload.state, note=payload.note, expected_version=payload.version)
    row = next(r for r in selectors.plan_progress(item.plan).rows if r.item.pk == item.pk)
    return _item_out(row)


@router.post("/{plan_id}/submit", response=PlanOut)
def submit(request, plan_id: int):
    return _plan_out(services.plan_submit(actor=scope_for(request.user), plan=_get(request, plan_id)))


@router.post("/{plan_id}/review", response=PlanOut)
def review(request, plan_id: int, payload: ReviewIn):
    p = services.plan_review(actor=scope_for(request.user), plan=_get(request, plan_id), decision=payload.decision, comment=payload.comment)
    return _plan_out(p)


@router.post("/{plan_id}/schedule", response=ScheduledOut)
def schedule(request, plan_id: int, payload: ScheduleIn):
    """Turn a month's items into draft activities for the groups that run them."""
    made = services_schedule.items_schedule_month(actor=scope_for(request.user), plan=_get(request, plan_id), month=payload.month)
    return {"created": len(made), "activity_ids": [a.pk for a in made]}
