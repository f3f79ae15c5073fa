"""Writes for plans: create (from a template or last period's plan), sections, 月度安排
items, approval and versions, marking items done or dropped. Every service takes the
actor's `Scope` and checks it first (xiaoben.plans.predicates).

Scheduling items as activities lives in `services_schedule.py`; whole-plan import in
`services_import.py`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.concurrency import claim_version, save_checked
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.html import clean_html
from xiaoben.core.models import Attachment, User
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Term

from . import predicates as can
from .models import (
    ItemKind,
    ItemOwner,
    ItemState,
    Plan,
    PlanItem,
    PlanLevel,
    PlanReview,
    PlanSection,
    PlanSpan,
    PlanStatus,
    ReviewAction,
    SectionKey,
)

TITLE_MAX = 120
BODY_MAX = 100_000

# The usual sections, in the order schools write them (SPEC §2.1, seed 000).
TEMPLATE_SECTIONS: dict[str, list[tuple[str, str]]] = {
    PlanLevel.SCHOOL: [
        (SectionKey.GUIDING, "指导思想"),
        (SectionKey.ANALYSIS, "现状分析"),
        (SectionKey.GOALS, "工作目标"),
        (SectionKey.CONTENT, "主要工作与措施"),
        (SectionKey.QUOTAS, "量化要求"),
        (SectionKey.MONTHLY, "每月安排"),
        (SectionKey.SAFEGUARDS, "保障措施"),
    ],
    PlanLevel.REGION: [
        (SectionKey.GUIDING, "指导思想"),
        (SectionKey.ANALYSIS, "现状分析"),
        (SectionKey.GOALS, "工作目标"),
        (SectionKey.CONTENT, "主要工作与措施"),
        (SectionKey.MONTHLY, "工作安排"),
        (SectionKey.SAFEGUARDS, "保障措施"),
    ],
    PlanLevel.GROUP: [
        (SectionKey.GUIDING, "指导思想"),
        (SectionKey.ANALYSIS, "本组现状分析"),
        (SectionKey.GOALS, "工作目标"),
        (SectionKey.CONTENT, "主要工作与措施"),
        (SectionKey.MONTHLY, "具体安排"),
    ],
    PlanLevel.PERSONAL: [
        (SectionKey.ANALYSIS, "自我分析"),
        (SectionKey.GOALS, "研修目标"),
        (SectionKey.CONTENT, "研修内容与措施"),
        (SectionKey.MONTHLY, "具体安排"),
    ],
}
PLAN_WORD: dict[str, str] = {
    PlanLevel.REGION: "区域研修计划",
    PlanLevel.SCHOOL: "校本研修工作计划",
    PlanLevel.GROUP: "教研工作计划",
    PlanLevel.PERSONAL: "个人研修计划",
}


def plan_url(plan: Plan) -> str:
    return reverse("plans:detail", args=[plan.pk])


def text_to_html(text: str) -> str:
    """Plain text (an imported section) as paragraphs; HTML is cleaned as it is."""
    text = (text or "").strip()
    if not text:
        return ""
    if text.startswith("<"):
        return clean_html(text)
    from django.utils.html import escape

    return "".join(f"<p>{escape(line.strip())}</p>" for line in text.split("\n") if line.strip())


# --- who hears about a plan ---------------------------------------------------------


def _school_admin_users(school_id: int) -> list[int]:
    return list(
        RoleAssignment.objects.filter(school_id=school_id, role__in=["principal", "school_admin"]).values_list("user_id", flat=True)
    )


def _group_leader_users(group_ids: Iterable[int | None]) -> list[int]:
    return list(
        GroupMembership.objects.filter(group_id__in=list(group_ids), role__in=["leader", "deputy"], teacher__is_active=True)
        .exclude(teacher__user__isnull=True)
        .values_list("teacher__user_id", flat=True)
    )


def _region_staff_users(school: School) -> list[int]:
    region_ids: list[int] = []
    region: Region | None = school.region
    seen = 0
    while region is not None and seen < 10:
        region_ids.append(region.pk)
        region = region.parent
        seen += 1
    return list(
        RoleAssignment.objects.filter(region_id__in=region_ids, role__in=["researcher", "region_admin"]).values_list("user_id", flat=True)
    )


def _writers(plan: Plan) -> list[int]:
    """Who wrote the plan and hears its review."""
    if plan.level == PlanLevel.PERSONAL:
        return [plan.teacher.user_id] if plan.teacher is not None and plan.teacher.user_id else []
    if plan.level == PlanLevel.GROUP:
        ids = _group_leader_users([plan.group_id])
        return ids or ([plan.created_by_id] if plan.created_by_id else [])
    ids = [plan.created_by_id] if plan.created_by_id else []
    return ids or (_school_admin_users(plan.school_id) if plan.school_id else [])


def _actor_name(actor: Scope) -> str:
    if actor.teacher is not None:
        return actor.teacher.name
    user = User.objects.filter(pk=actor.user_id or 0).only("full_name", "username").first()
    return user.display_name if user else ""


# --- creating ------------------------------------------------------------------------


def _period_of(
    *, school: School | None, span: str, term: Term | None, school_year: SchoolYear | None, start_year: int | None
) -> tuple[Term | None, SchoolYear | None, int]:
    if span == PlanSpan.TERM:
        if term is None:
            raise ValidationError({"term": "学期计划请选择学期。"})
        if school is not None and term.school_id != school.pk:
            raise ValidationError({"term": "只能选择本校的学期。"})
        return term, term.school_year, term.school_year.start_year
    if school_year is not None:
        if school is not None and school_year.school_id != school.pk:
            raise ValidationError({"school_year": "只能选择本校的学年。"})
        return None, school_year, school_year.start_year
    if start_year is None:
        raise ValidationError({"school_year": "学年计划请选择学年。"})
    return None, None, start_year


@transaction.atomic
def plan_create(
    *,
    actor: Scope,
    level: str,
    school: School | None = None,
    region: Region | None = None,
    group: Group | None = None,
    span: str = PlanSpan.TERM,
    term: Term | None = None,
    school_year: SchoolYear | None = None,
    start_year: int | None = None,
    title: str = "",
    start_from: str = "template",
    copy_of: Plan | None = None,
) -> Plan:
    """A new plan: from the level's template (the usual sections, empty), from last
    period's plan of the same level (copied, then edited), or blank."""
    if level not in PlanLevel.values:
        raise ValidationError({"level": "请选择计划层级。"})
    teacher = None
    if level == PlanLevel.PERSONAL:
        teacher = actor.teacher
        school = teacher.school if teacher else school
    if level == PlanLevel.GROUP:
        if group is None:
            raise ValidationError({"group": "请选择教研组或备课组。"})
        school = group.school
    if level == PlanLevel.REGION:
        if region is None:
            raise ValidationError({"region": "请选择区域。"})
        school = None
    require(
        can.can_create_plan(actor, level=level, school_id=school.pk if school else None, group_id=group.pk if group else None),
        "你不能新建这一层级的计划。",
    )
    if span not in PlanSpan.values:
        raise ValidationError({"span": "请选择学期或学年。"})
    term, school_year, start_year = _period_of(school=school, span=span, term=term, school_year=school_year, start_year=start_year)
    owner = teacher.name if teacher else group.name if group else region.name if region else school.name if school else ""
    period = term.name if term else f"{start_year}-{start_year + 1}学年"
    plan = Plan(
        level=level,
        school=school,
        region=region,
        group=group,
        teacher=teacher,
        span=span,
        term=term,
        school_year=school_year,
        start_year=start_year,
        title=(title or f"{owner}{period}{PLAN_WORD[level]}").strip()[:TITLE_MAX],
        created_by_id=actor.user_id,
    )
    plan.full_clean()
    plan.save()
    if start_from == "copy":
        if copy_of is None:
            raise ValidationError("请选择要复制的计划。")
        if copy_of.level != level or not visible_to(actor, Plan).filter(pk=copy_of.pk).exists():
            raise NotPermitted()
        plan.copied_from = copy_of
        plan.save(update_fields=["copied_from"])
        _copy_content(copy_of, plan, keep_origin=False)
    elif start_from == "template":
        PlanSection.objects.bulk_create(
            [PlanSection(plan=plan, key=key, title=t, order=i) for i, (key, t) in enumerate(TEMPLATE_SECTIONS[level])]
        )
    return plan


def _copy_content(source: Plan, target: Plan, *, keep_origin: bool) -> None:
    """Sections and items of `source` into `target`. A new version keeps each item's
    origin (so activities follow); a copy for a new period starts every item afresh."""
    PlanSection.objects.bulk_create(
        [PlanSection(plan=target, key=s.key, title=s.title, body=s.body, order=s.order) for s in source.sections.all()]
    )
    rows = []
    for it in source.items.all():
        rows.append(
            PlanItem(
                plan=target,
                month=it.month,
                week=it.week,
                week_end=it.week_end,
                title=it.title,
                kind=it.kind,
                lesson_kind=it.lesson_kind,
                topic=it.topic,
                owner=it.owner,
                group_id=it.group_id,
                person_id=it.person_id,
                owner_name=it.owner_name,
                weekday=it.weekday,
                period=it.period,
                slot_id=it.slot_id if keep_origin else None,
                state=it.state if keep_origin else ItemState.OPEN,
                state_note=it.state_note if keep_origin else "",
                origin=it if keep_origin else None,
                order=it.order,
            )
        )
    PlanItem.objects.bulk_create(rows)


@transaction.atomic
def plan_update(*, actor: Scope, plan: Plan, expected_version: int, title: str) -> Plan:
    require(can.can_edit_plan(actor, plan), closed_message(plan))
    plan.title = (title or "").strip()[:TITLE_MAX]
    if not plan.title:
        raise ValidationError({"title": "请填写计划标题。"})
    save_checked(plan, expected_version, ["title"])
    return plan


def closed_message(plan: Plan) -> str:
    if plan.status in (PlanStatus.APPROVED, PlanStatus.ACKNOWLEDGED, PlanStatus.READ):
        return "已审阅的计划不能直接修改，请新建一个版本。"
    if plan.status == PlanStatus.SUBMITTED:
        return "计划已提交审阅，审阅完成前不能修改。"
    return "你不能修改这份计划。"


@transaction.atomic
def plan_delete(*, actor: Scope, plan: Plan) -> None:
    """Only a draft that never went out; a superseded version's successor brings its predecessor back."""
    require(can.can_edit_plan(actor, plan) and plan.status == PlanStatus.DRAFT, "只能删除未提交过的草稿。")
    previous = plan.supersedes
    if previous is not None:
        _move_activities(plan, previous)
        previous.is_current = True
        previous.save(update_fields=["is_current", "updated_at"])
    plan.delete()


# --- sections ------------------------------------------------------------------------


@transaction.atomic
def section_save(
    *, actor: Scope, plan: Plan, section: PlanSection | None = None, key: str = SectionKey.OTHER, title: str, body: str
) -> PlanSection:
    require(can.can_edit_plan(actor, plan), closed_message(plan))
    if section is not None and section.plan_id != plan.pk:
        raise NotPermitted()
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": "请填写章节标题。"})
    if len(body or "") > BODY_MAX:
        raise ValidationError({"body": f"内容太长了：{len(body)} 字符，最多 {BODY_MAX} 字符。"})
    if key not in SectionKey.values:
        key = SectionKey.OTHER
    if section is None:
        last = plan.sections.order_by("-order").values_list("order", flat=True).first()
        section = PlanSection(plan=plan, order=(last or 0) + 1)
    section.key, section.title, section.body = key, title[:100], text_to_html(body)
    section.full_clean()
    section.save()
    return section


@transaction.atomic
def section_delete(*, actor: Scope, section: PlanSection) -> None:
    require(can.can_edit_plan(actor, section.plan), closed_message(section.plan))
    section.delete()


@transaction.atomic
def section_insert_structure_analysis(*, actor: Scope, plan: Plan, on: dt.date | None = None) -> PlanSection:
    """The school's 教师队伍结构分析 paragraph with its numbers (as in seed 000 篇3),
    added to the plan's 现状分析 (created when the plan has none)."""
    require(can.can_edit_plan(actor, plan), closed_message(plan))
    if plan.school_id is None:
        raise ValidationError("区域计划没有学校的教师结构数据。")
    from xiaoben.org.analysis import structure_analysis
    from xiaoben.org.selectors import today

    if plan.school is None:
        raise ValidationError("区域计划没有学校的队伍结构分析。")
    paragraph = structure_analysis(school=plan.school, on=on or today()).paragraph
    section = plan.sections.filter(key=SectionKey.ANALYSIS).first()
    if section is None:
        section = PlanSection(plan=plan, key=SectionKey.ANALYSIS, title="现状分析", order=1)
    section.body = (section.body or "") + text_to_html(paragraph)
    section.save()
    return section


# --- items ---------------------------------------------------------------------------

ITEM_FIELDS = (
    "month",
    "week",
    "week_end",
    "title",
    "kind",
    "lesson_kind",
    "topic",
    "owner",
    "group",
    "person",
    "owner_name",
    "weekday",
    "period",
)


def _check_item(plan: Plan, item: PlanItem) -> None:
    errors = {}
    if item.month is not None and not 1 <= item.month <= 12:
        errors["month"] = "月份应在1到12之间。"
    if item.week is not None and not 1 <= item.week <= 30:
        errors["week"] = "周次应在1到30之间。"
    if item.week_end is not None and item.week is not None and item.week_end < item.week:
        errors["week_end"] = "结束周次不能早于开始周次。"
    if item.weekday is not None and not 0 <= item.weekday <= 6:
        errors["weekday"] = "请选择星期。"
    if item.period is not None and not 1 <= item.period <= 12:
        errors["period"] = "节次应在1到12之间。"
    if item.group is not None and item.group.school_id != plan.school_id:
        errors["group"] = "只能选择本校的小组。"
    if item.person is not None and item.person.school_id != plan.school_id:
        errors["person"] = "只能选择本校的教师。"
    if item.owner == ItemOwner.GROUP and not item.group_id:
        if plan.level == PlanLevel.GROUP:
            item.group_id = plan.group_id
        else:
            errors["group"] = "负责为“指定小组”时请选择小组。"
    if item.kind not in ItemKind.values:
        errors["kind"] = "请选择类型。"
    if not (item.title or "").strip():
        errors["title"] = "请填写事项。"
    if errors:
        raise ValidationError(errors)
    item.full_clean(exclude=["plan", "origin", "slot"])


@transaction.atomic
def item_create(*, actor: Scope, plan: Plan, **fields: Any) -> PlanItem:
    require(can.can_edit_plan(actor, plan), closed_message(plan))
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"不能设置：{'、'.join(sorted(unknown))}")
    last = plan.items.order_by("-order").values_list("order", flat=True).first()
    item = PlanItem(plan=plan, order=(last or 0) + 1, **fields)
    item.title = (item.title or "").strip()[:200]
    _check_item(plan, item)
    item.save()
    return item


@transaction.atomic
def item_update(*, actor: Scope, item: PlanItem, expected_version: int | None, **fields: Any) -> PlanItem:
    """`expected_version` is the copy the editor loaded: a save from an older one is refused."""
    require(can.can_edit_plan(actor, item.plan), closed_message(item.plan))
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValidationError(f"不能修改：{'、'.join(sorted(unknown))}")
    for k, v in fields.items():
        setattr(item, k, v)
    _check_item(item.plan, item)
    claim_version(item, expected_version)  # a second editor from an older copy is told
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor: Scope, item: PlanItem) -> None:
    require(can.can_edit_plan(actor, item.plan), closed_message(item.plan))
    if item.activities.exists():
        raise ValidationError("这一事项已经有活动了，不能删除；不再举行请标为“已取消”。")
    item.delete()


@transaction.atomic
def item_mark(*, actor: Scope, item: PlanItem, state: str, expected_version: int | None, note: str = "") -> PlanItem:
    """计划完成情况 by hand: a 总结 or 会议 done, or an item dropped (with why). Allowed on
    an approved plan: it records what happened, it does not change what was planned."""
    require(can.can_mark_items(actor, item.plan), "只有计划的负责人可以标记完成情况。")
    if state not in ItemState.values:
        raise ValidationError({"state": "状态无效。"})
    if state == ItemState.DROPPED and not (note or "").strip():
        raise ValidationError({"state_note": "取消一项安排时请写明原因。"})
    item.state, item.state_note = state, (note or "").strip()[:200]
    save_checked(item, expected_version, ["state", "state_note"])  # nothing over a newer mark or edit
    return item


# --- approval and versions -----------------------------------------------------------


@transaction.atomic
def plan_submit(*, actor: Scope, plan: Plan) -> Plan:
    """教研组计划 → the school; 学校计划 → the district; 个人计划 → the group leader."""
    require(can.can_submit_plan(actor, plan), closed_message(plan) if plan.status not in can.EDITABLE else "你不能提交这份计划。")
    if not plan.sections.exclude(body="").exists():
        raise ValidationError("计划还没有内容，请先填写后再提交。")
    plan.status, plan.submitted_at = PlanStatus.SUBMITTED, timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    PlanReview.objects.create(plan=plan, action=ReviewAction.SUBMIT, actor_id=actor.user_id)
    if plan.level == PlanLevel.GROUP:
        recipients = _school_admin_users(plan.school_id) if plan.school_id else []
    elif plan.level == PlanLevel.SCHOOL:
        recipients = _region_staff_users(plan.school) if plan.school else []
    else:
        groups = GroupMembership.objects.filter(teacher_id=plan.teacher_id or 0).values_list("group_id", flat=True)
        recipients = _group_leader_users(groups)
    recipients = [u for u in recipients if u != actor.user_id]
    if recipients:
        notify(
            "plans.submitted",
            recipients=recipients,
            target=plan,
            context={"actor": _actor_name(actor), "title": plan.title},
            url=plan_url(plan),
        )
    return plan


@transaction.atomic
def plan_publish(*, actor: Scope, plan: Plan) -> Plan:
    """区域研修计划: the district publishes its own plan to the schools of the region."""
    require(
        plan.level == PlanLevel.REGION and plan.status in can.EDITABLE and can.can_write_plan(actor, plan),
        "只有区里的教研员可以发布区域计划。",
    )
    if not plan.sections.exclude(body="").exists():
        raise ValidationError("计划还没有内容，请先填写后再发布。")
    plan.status, plan.submitted_at = PlanStatus.APPROVED, timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    PlanReview.objects.create(plan=plan, action=ReviewAction.APPROVE, actor_id=actor.user_id, comment="发布")
    return plan


DECISIONS: dict[str, dict[str, str]] = {
    PlanLevel.GROUP: {"approve": PlanStatus.APPROVED, "return": PlanStatus.RETURNED},
    PlanLevel.SCHOOL: {"acknowledge": PlanStatus.ACKNOWLEDGED, "comment": PlanStatus.SUBMITTED, "return": PlanStatus.RETURNED},
    PlanLevel.PERSONAL: {"read": PlanStatus.READ, "return": PlanStatus.RETURNED},
}
NOTICE = {
    "approve": "plans.approved",
    "return": "plans.returned",
    "acknowledge": "plans.acknowledged",
    "comment": "plans.acknowledged",
    "read": "plans.read",
}


@transaction.atomic
def plan_review(*, actor: Scope, plan: Plan, decision: str, comment: str = "") -> Plan:
    """批准/退回 a group plan (a reason is required to send it back), 已阅/批注 a school
    plan (district), 已阅 a personal plan (group leader). The writers are notified."""
    require(can.can_review_plan(actor, plan), "你不能审阅这份计划，或它不在待审阅状态。")
    allowed = DECISIONS.get(plan.level, {})
    if decision not in allowed:
        raise ValidationError({"decision": "这一层级的计划不能这样审阅。"})
    comment = (comment or "").strip()[:500]
    if decision in ("return", "comment") and not comment:
        raise ValidationError({"comment": "请写明退回的原因。" if decision == "return" else "请填写批注。"})
    plan.status = allowed[decision]
    plan.reviewed_by_id, plan.reviewed_at, plan.review_comment = actor.user_id, timezone.now(), comment
    plan.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "updated_at"])
    action = {"approve": ReviewAction.APPROVE, "return": ReviewAction.RETURN, "acknowledge": ReviewAction.ACKNOWLEDGE}.get(
        decision, ReviewAction.COMMENT if decision == "comment" else ReviewAction.READ
    )
    PlanReview.objects.create(plan=plan, action=action, actor_id=actor.user_id, comment=comment)
    recipients = [u for u in _writers(plan) if u != actor.user_id]
    if recipients:
        notify(
            NOTICE[decision],
            recipients=recipients,
            target=plan,
            context={
                "actor": _actor_name(actor),
                "title": plan.title,
                "reason": comment,
                "comment": f"：{comment}" if comment else "",
            },
            url=plan_url(plan),
        )
    return plan


def _move_activities(source: Plan, target: Plan) -> None:
    """Activities follow their item into the version that replaces it (by item origin)."""
    from xiaoben.activities.models import Activity

    pairs = list(PlanItem.objects.filter(plan=target, origin__plan=source).values_list("origin_id", "pk"))
    pairs += list(PlanItem.objects.filter(plan=source, origin__plan=target).values_list("origin_id", "pk"))
    for old_id, new_id in pairs:
        Activity.objects.filter(plan_item_id=old_id).update(plan_item_id=new_id)


@transaction.atomic
def plan_new_version(*, actor: Scope, plan: Plan) -> Plan:
    """修订: an approved plan is changed only through a new version — a draft copy
    (revision + 1) that replaces it at once as the plan in force; the old version is kept
    read-only, and the activities already held follow their items."""
    require(can.can_new_version(actor, plan), "只有已审阅的当前版本可以修订。")
    new = Plan.objects.get(pk=plan.pk)
    new.pk = None
    new.id = None
    new.version = 1
    new.status = PlanStatus.DRAFT
    new.revision = plan.revision + 1
    new.supersedes = plan
    new.is_current = True
    new.submitted_at = new.reviewed_at = None
    new.reviewed_by = None
    new.review_comment = ""
    new.created_by_id = actor.user_id
    new.save()
    _copy_content(plan, new, keep_origin=True)
    plan.is_current = False
    plan.save(update_fields=["is_current", "updated_at"])
    _move_activities(plan, new)
    PlanReview.objects.create(plan=new, action=ReviewAction.NEW_VERSION, actor_id=actor.user_id, comment=f"由第{plan.revision}版修订")
    return new


def plan_attach(*, actor: Scope, plan: Plan, upload: UploadedFile[bytes]) -> Attachment:
    """附件 (a signed scan, a table): the plan's writers, whatever its status."""
    from xiaoben.core.services import attachment_add

    require(can.can_write_plan(actor, plan), "只有计划的负责人可以上传附件。")
    user = User.objects.get(pk=actor.user_id or 0)
    return attachment_add(user=user, target=plan, upload=upload, kinds={"pdf", "docx", "xlsx", "pptx", "image"})


def previous_plan(
    *, actor: Scope, level: str, school_id: int | None, group_id: int | None = None, before: Plan | None = None
) -> Plan | None:
    """Last period's plan of the same level (and the same group or teacher), if the actor sees one."""
    qs = visible_to(actor, Plan).filter(level=level, is_current=True)
    if level == PlanLevel.PERSONAL:
        qs = qs.filter(teacher_id=actor.teacher_id or 0)
    elif level == PlanLevel.GROUP:
        qs = qs.filter(group_id=group_id) if group_id else qs.filter(group__isnull=True)
    elif school_id:
        qs = qs.filter(school_id=school_id)
    if before is not None:
        qs = qs.exclude(pk=before.pk)
    return qs.order_by("-start_year", "-term__number", "-pk").first()
