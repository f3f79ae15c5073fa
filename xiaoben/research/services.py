"""Writes of 课题研究: projects, their documents and stage moves, overdue reminders.

Every service takes the actor first and checks it with the predicates; achievements and
reward rules are in services_achievements.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities.models import Activity
from xiaoben.core.concurrency import claim_version
from xiaoben.core.errors import NotPermitted
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.core.uploads import validate_upload
from xiaoben.core.validation import require_lengths
from xiaoben.org.models import School, Teacher

from . import flow
from .models import (
    TERMINAL_STAGES,
    Category,
    DocKind,
    Level,
    ProjectDocument,
    ProjectMember,
    ProjectStage,
    ResearchProject,
    Stage,
    Visibility,
)
from .predicates import can_confirm_stage, can_edit_project, can_manage_research, can_upload_project_document

DOC_KINDS = frozenset({"pdf", "docx", "image", "xlsx", "pptx"})
DOC_MAX_MB = 20
# How long a stage usually lasts when the school gives no deadline (months).
DEFAULT_STAGE_MONTHS: dict[str, int] = {Stage.APPROVED: 3, Stage.OPENED: 9, Stage.MIDTERM: 9, Stage.EXTENDED: 6}


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, min(day.day, 28))


def _hide_unless_visible(actor: Scope, project: ResearchProject) -> None:
    """Not visible → 404; visible but not allowed → the caller raises with a reason."""
    if not visible_to(actor, ResearchProject).filter(pk=project.pk).exists():
        raise NotPermitted()


def _clean_members(project_school: School, leader: Teacher, member_ids: list[int]) -> list[Teacher]:
    """Members come from the school, or from another school of the same region (read-only there)."""
    ids = [i for i in dict.fromkeys(member_ids or []) if i != leader.pk]
    teachers = list(Teacher.objects.select_related("school").filter(pk__in=ids, is_active=True))
    if len(teachers) != len(ids):
        raise ValidationError({"members": "成员中有不存在或已离职的教师。"})
    for t in teachers:
        if t.school_id != project_school.pk and t.school.region_id != project_school.region_id:
            raise ValidationError({"members": f"{t.name} 不是本校或本区域学校的教师，不能加入课题组。"})
    return teachers


def _clean_fields(
    *, title: str, level: str, category: str, visibility: str, start_date: dt.date | None, end_date: dt.date | None
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "请填写课题名称。"
    if level not in Level.values:
        errors["level"] = "请选择课题级别。"
    if category not in Category.values:
        errors["category"] = "请选择课题类别。"
    if visibility not in Visibility.values:
        errors["visibility"] = "请选择公开范围。"
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "计划结题日期不能早于开始日期。"
    if errors:
        raise ValidationError(errors)
    return {"title": title[:200]}


@transaction.atomic
def project_create(
    *,
    actor: Scope,
    title: str,
    level: str,
    leader: Teacher,
    number: str = "",
    category: str = Category.PLANNING,
    issuer: str = "",
    member_ids: list[int] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    summary: str = "",
    visibility: str = Visibility.SCHOOL,
    stage_due: dt.date | None = None,
) -> ResearchProject:
    """A teacher registers (申报) a project they lead; the school's admins register any."""
    school = leader.school
    if not (can_manage_research(actor, school.pk) or (actor.teacher_id == leader.pk and actor.can("research:write", school.pk))):
        if actor.teacher is not None and actor.teacher.school_id == school.pk:
            raise NotPermitted("只能以自己为主持人申报课题。")
        raise NotPermitted()
    cleaned = _clean_fields(title=title, level=level, category=category, visibility=visibility, start_date=start_date, end_date=end_date)
    members = _clean_members(school, leader, member_ids or [])
    project = ResearchProject(
        school=school,
        leader=leader,
        level=level,
        number=(number or "").strip()[:60],
        category=category,
        issuer=(issuer or "").strip()[:100],
        start_date=start_date,
        end_date=end_date,
        summary=(summary or "").strip()[:3000],
        visibility=visibility,
        stage=Stage.APPLIED,
        stage_due=stage_due,
        created_by_id=actor.user_id,
        **cleaned,
    )
    project.full_clean()
    project.save()
    ProjectMember.objects.bulk_create([ProjectMember(project=project, teacher=t) for t in members])
    ProjectStage.objects.create(
        project=project, stage=Stage.APPLIED, entered_on=timezone.localdate(), due_on=stage_due, confirmed_by_id=actor.user_id
    )
    return project


@transaction.atomic
def project_update(
    *,
    actor: Scope,
    project: ResearchProject,
    title: str,
    level: str,
    number: str = "",
    category: str = Category.PLANNING,
    issuer: str = "",
    member_ids: list[int] | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    summary: str = "",
    visibility: str = Visibility.SCHOOL,
    stage_due: dt.date | None = None,
    expected_version: int | None = None,
) -> ResearchProject:
    _hide_unless_visible(actor, project)
    if not can_edit_project(actor, project):
        raise NotPermitted("只有课题主持人和学校管理员可以修改课题信息。")
    require_lengths([("立项编号", number, 60), ("立项单位", issuer, 100), ("研究内容简介", (summary or "").strip(), 3000)])
    cleaned = _clean_fields(title=title, level=level, category=category, visibility=visibility, start_date=start_date, end_date=end_date)
    members = _clean_members(project.school, project.leader, member_ids or [])
    project.title = cleaned["title"]
    project.level, project.category, project.visibility = level, category, visibility
    project.number, project.issuer = (number or "").strip(), (issuer or "").strip()
    project.start_date, project.end_date, project.summary = start_date, end_date, (summary or "").strip()
    if stage_due != project.stage_due:
        project.stage_due, project.reminded_on = stage_due, None
    project.full_clean(exclude=["version"])
    claim_version(project, expected_version)  # a second editor from an older copy is told
    project.save()
    keep = {t.pk for t in members}
    project.memberships.exclude(teacher_id__in=keep).delete()
    have = set(project.memberships.values_list("teacher_id", flat=True))
    ProjectMember.objects.bulk_create([ProjectMember(project=project, teacher=t) for t in members if t.pk not in have])
    return project


def _admin_user_ids(school_id: int) -> list[int]:
    from xiaoben.core.permissions import SCHOOL_ROLES
    from xiaoben.org.models import RoleAssignment

    return list(RoleAssignment.objects.filter(school_id=school_id, role__in=SCHOOL_ROLES).values_list("user_id", flat=True))


@transaction.atomic
def project_document_add(*, actor: Scope, project: ResearchProject, kind: str, upload: UploadedFile[bytes]) -> ProjectDocument:
    """Upload a document of the stage the project is heading to (开题报告 while 立项 …).
    Checked by content (PDF, Word, Excel, PowerPoint, images), at most 20 MB."""
    _hide_unless_visible(actor, project)
    if not can_upload_project_document(actor, project):
        raise NotPermitted("只有本校的课题组成员和学校管理员可以上传课题材料。")
    if kind not in DocKind.values:
        raise ValidationError({"kind": "请选择材料类型。"})
    try:
        file_kind = validate_upload(upload, DOC_KINDS, DOC_MAX_MB)
    except ValidationError as e:
        raise ValidationError({"file": e.messages}) from None
    doc = ProjectDocument.objects.create(
        project=project,
        stage=project.stage,
        kind=kind,
        file=upload,
        name=getattr(upload, "name", "file")[:200],
        size=upload.size or 0,
        file_kind=file_kind,
        uploaded_by_id=actor.user_id,
    )
    nxt = flow.main_next(project)
    if nxt and kind in flow.required_documents(project, nxt) and not flow.missing_documents(project, nxt):
        title, stage_label = project.title, Stage(nxt).label
        url = reverse("research:project_detail", args=[project.pk])
        recipients = _admin_user_ids(project.school_id)
        transaction.on_commit(
            lambda: notify(
                "research.stage_ready",
                recipients=recipients,
                target=project,
                context={"title": title, "stage": stage_label},
                url=url,
            )
        )
    return doc


@transaction.atomic
def project_stage_advance(
    *,
    actor: Scope,
    project: ResearchProject,
    to_stage: str,
    entered_on: dt.date | None = None,
    due_on: dt.date | None = None,
    decision: str = "",
    note: str = "",
) -> ProjectStage:
    """Move the project to `to_stage`. Only the school confirms a move, and only when the
    stage's documents are in; for 省/市/县/国家级 立项 and 结题 the school records the outside
    body's decision (文号) with its evidence (立项通知, 结题证书)."""
    _hide_unless_visible(actor, project)
    if not can_confirm_stage(actor, project):
        raise NotPermitted("课题阶段由学校管理员确认。")
    project = ResearchProject.objects.select_for_update().get(pk=project.pk)
    history = list(project.stages.all())
    if to_stage not in flow.next_stages(project, history):
        raise ValidationError(
            f"课题处于「{project.get_stage_display()}」阶段，不能直接进入「{Stage(to_stage).label if to_stage in Stage.values else to_stage}」。"
        )
    missing = flow.missing_documents(project, to_stage, history=history)
    if missing:
        names = "、".join(str(DocKind(k).label) for k in missing)
        raise ValidationError(f"进入「{Stage(to_stage).label}」还缺少材料：{names}。请先上传。")
    decision = (decision or "").strip()
    if flow.needs_decision(project, to_stage) and not decision:
        raise ValidationError(
            {"decision": f"{project.get_level_display()}课题的{Stage(to_stage).label}由上级部门决定，请填写批准文号或决定。"}
        )
    note = (note or "").strip()
    if to_stage == Stage.WITHDRAWN and not note:
        raise ValidationError({"note": "撤销课题请写明原因。"})
    day = entered_on or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError({"entered_on": "日期不能晚于今天。"})
    if history and day < history[-1].entered_on:
        raise ValidationError({"entered_on": "日期不能早于上一阶段。"})
    if due_on is None and to_stage in DEFAULT_STAGE_MONTHS:
        due_on = _add_months(day, DEFAULT_STAGE_MONTHS[to_stage])
    if to_stage in TERMINAL_STAGES:
        due_on = None
    if due_on and due_on < day:
        raise ValidationError({"due_on": "下一阶段截止日期不能早于本阶段日期。"})
    row = ProjectStage(
        project=project,
        stage=to_stage,
        entered_on=day,
        due_on=due_on,
        decision=decision[:200],
        note=note[:500],
        confirmed_by_id=actor.user_id,
    )
    row.full_clean()
    row.save()
    project.stage, project.stage_due, project.reminded_on = to_stage, due_on, None
    if to_stage == Stage.APPROVED and project.start_date is None:
        project.start_date = day
    if to_stage == Stage.APPROVED and decision and not project.number:
        project.number = decision[:60]
    project.save(update_fields=["stage", "stage_due", "reminded_on", "start_date", "number", "updated_at"])
    recipients = [project.leader.user_id, *project.memberships.values_list("teacher__user_id", flat=True)]
    title, label, url = project.title, str(Stage(to_stage).label), reverse("research:project_detail", args=[project.pk])
    transaction.on_commit(
        lambda: notify("research.stage_moved", recipients=recipients, target=project, context={"title": title, "stage": label}, url=url)
    )
    return row


@transaction.atomic
def project_delete(*, actor: Scope, project: ResearchProject) -> None:
    """Soft delete (restorable by an admin): only admins, or the 主持人 while still 申报."""
    _hide_unless_visible(actor, project)
    ok = can_manage_research(actor, project.school_id) or (can_edit_project(actor, project) and project.stage == Stage.APPLIED)
    if not ok:
        raise NotPermitted("立项后的课题只能由学校管理员删除。")
    project.soft_delete()


def projects_remind_overdue(*, today: dt.date | None = None, every_days: int = 7) -> int:
    """Remind the 主持人 of each project whose stage deadline has passed (at most once a week
    per project). A job: runs as the system, not as a person. Returns the number reminded."""
    today = today or timezone.localdate()
    qs = (
        ResearchProject.objects.filter(stage_due__lt=today)
        .exclude(stage__in=TERMINAL_STAGES)
        .exclude(reminded_on__gt=today - dt.timedelta(days=every_days))
        .select_related("leader")
    )
    n = 0
    for p in qs:
        nxt = flow.main_next(p)
        what = f"{Stage(nxt).label}材料" if nxt else p.get_stage_display()
        notify(
            "research.stage_overdue",
            recipients=[p.leader.user_id],
            target=p,
            context={"title": p.title, "stage": what, "due": p.stage_due.isoformat()},
            url=reverse("research:project_detail", args=[p.pk]),
        )
        ResearchProject.objects.filter(pk=p.pk).update(reminded_on=today)
        n += 1
    return n


@transaction.atomic
def project_activity_link(*, actor: Scope, project: ResearchProject, activity: Activity, linked: bool = True) -> None:
    """Make an activity of the school a 课题研讨 of this project (or undo it). The 主持人 and the
    school's admins do it; the activity must be one the actor can open, of the project's school."""
    _hide_unless_visible(actor, project)
    if not can_edit_project(actor, project):
        raise NotPermitted("只有课题主持人和学校管理员可以关联研讨活动。")
    if not visible_to(actor, Activity).filter(pk=activity.pk).exists() or activity.school_id != project.school_id:
        raise ValidationError("只能关联本校、你能查看的活动。")
    if linked and activity.project_id not in (None, project.pk):
        raise ValidationError("这项活动已属于另一个课题。")
    Activity.objects.filter(pk=activity.pk).update(project=project if linked else None)
