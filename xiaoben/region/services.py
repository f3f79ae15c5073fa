"""Writes of the region app. Every service takes `actor: Scope` and checks it first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.concurrency import claim_version
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.notifications import notify
from xiaoben.core.permissions import SCHOOL_ROLES
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import RoleAssignment, School, Teacher
from xiaoben.org.selectors import current_term

from . import predicates
from .models import Alliance, SchoolVisit, VisitLesson, VisitStatus

if TYPE_CHECKING:
    from xiaoben.activities.models import Activity
    from xiaoben.org.models import Region


def _user_id(actor: Scope) -> int:
    """The acting user's id (every write has one; an anonymous scope may not write)."""
    if actor.user_id is None:
        raise NotPermitted()
    return actor.user_id


def _actor_name(actor: Scope) -> str:
    from xiaoben.core.models import User

    u = User.objects.filter(pk=actor.user_id).first() if actor.user_id is not None else None
    return (u.full_name or u.username) if u else ""


def _school_admin_user_ids(school_id: int) -> list[int]:
    return list(RoleAssignment.objects.filter(school_id=school_id, role__in=SCHOOL_ROLES).values_list("user_id", flat=True).distinct())


@transaction.atomic
def visit_create(
    *,
    actor: Scope,
    school: School,
    visited_on: dt.date,
    focus: str,
    findings: str,
    suggestions: str,
    documents_checked: str = "",
    kind: str = "inspection",
) -> SchoolVisit:
    require(predicates.can_visit_school(actor, school.pk))
    visit = SchoolVisit(
        region_id=school.region_id,
        school=school,
        term=current_term(school.pk, visited_on),
        kind=kind,
        visited_on=visited_on,
        focus=focus.strip(),
        findings=findings.strip(),
        suggestions=suggestions.strip(),
        documents_checked=documents_checked.strip(),
        created_by_id=_user_id(actor),
    )
    visit.full_clean()
    visit.save()
    notify(
        "region.visit_reported",
        recipients=_school_admin_user_ids(school.pk),
        target=visit,
        context={"actor": _actor_name(actor), "title": visit.focus},
        url=reverse("region:visit", args=[visit.pk]),
    )
    return visit


@transaction.atomic
def visit_lesson_add(
    *,
    actor: Scope,
    visit: SchoolVisit,
    teacher: Teacher,
    lesson_title: str,
    comment: str,
    subject: str = "",
    period: int | None = None,
    observation_id: int | None = None,
) -> VisitLesson:
    require(predicates.can_view_visit(actor, visit))
    require(predicates.can_edit_visit(actor, visit), "只有本区教研员可以在未关闭的视导中记录听课。")
    if teacher.school_id != visit.school_id:
        raise ValidationError("授课教师必须是被视导学校的教师。")
    observation = None
    if observation_id:
        from xiaoben.observations.models import Observation

        observation = visible_to(actor, Observation).filter(pk=observation_id, teacher_id=teacher.pk).first()
        if observation is None:
            raise ValidationError("找不到可关联的听课记录（须为该教师的课，且您能查看）。")
    lesson = VisitLesson(
        visit=visit,
        teacher=teacher,
        lesson_title=lesson_title.strip(),
        comment=comment.strip(),
        subject=subject or teacher.subject,
        period=period,
        observation=observation,
    )
    lesson.full_clean()
    lesson.save()
    notify(
        "region.lesson_observed",
        recipients=[teacher.user_id],
        target=lesson,
        context={"actor": _actor_name(actor), "title": lesson.lesson_title},
        url=reverse("region:lesson", args=[lesson.pk]),
    )
    return lesson


@transaction.atomic
def visit_respond(*, actor: Scope, visit: SchoolVisit, response: str, expected_version: int | None = None) -> SchoolVisit:
    """The school's admin replies with what was done (整改反馈); `expected_version` is the visit's
    version the reply was written against (a colleague's newer reply is not overwritten)."""
    require(predicates.can_view_visit(actor, visit))
    require(predicates.can_respond_visit(actor, visit), "只有被视导学校的管理员可以提交未关闭视导的整改反馈。")
    response = response.strip()
    if not response:
        raise ValidationError("请填写整改反馈。")
    visit.response = response
    visit.responded_by_id = actor.user_id
    visit.responded_at = timezone.now()
    visit.status = VisitStatus.ANSWERED
    visit.full_clean(exclude=["version"])
    claim_version(visit, expected_version)
    visit.save()
    notify(
        "region.visit_answered",
        recipients=[visit.created_by_id],
        target=visit,
        context={"school": visit.school.short_name or visit.school.name, "title": visit.focus},
        url=reverse("region:visit", args=[visit.pk]),
    )
    return visit


@transaction.atomic
def visit_close(*, actor: Scope, visit: SchoolVisit) -> SchoolVisit:
    """The 教研员 accepts the 整改反馈; the visit closes."""
    require(predicates.can_view_visit(actor, visit))
    if not predicates.can_close_visit(actor, visit):
        raise NotPermitted("学校提交整改反馈后，本区教研员才能关闭视导。")
    visit.status = VisitStatus.CLOSED
    visit.closed_at = timezone.now()
    visit.save(update_fields=["status", "closed_at", "updated_at"])
    notify(
        "region.visit_closed",
        recipients=_school_admin_user_ids(visit.school_id),
        target=visit,
        context={"title": visit.focus},
        url=reverse("region:visit", args=[visit.pk]),
    )
    return visit


CROSS_KINDS = {"regional": "区域教研", "cluster": "联片教研", "alliance": "联盟教研"}


@transaction.atomic
def regional_activity_create(
    *,
    actor: Scope,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    place: str,
    host: Teacher,
    recorder: Teacher,
    school_ids: Sequence[int] = (),
    group_ids: Sequence[int] = (),
    teacher_ids: Sequence[int] = (),
    cross_kind: str = "regional",
    description: str = "",
    publish: bool = True,
    alliance: Region | None = None,
) -> Activity:
    """A 区域/联片 activity run by a 教研员: invites whole schools, groups or named teachers of
    the region's schools (only those may sign in), published so the invited are told.

    With `alliance` (a Region of kind alliance): a 联盟 activity under it, run by the region's
    教研员 or the alliance's lead school, inviting the alliance's schools only."""
    from xiaoben.activities import services as acts
    from xiaoben.org.models import Group, Region

    if alliance is not None:
        lead = Alliance.objects.filter(region=alliance).values_list("lead_school_id", flat=True).first()
        require(alliance.kind == "alliance" and predicates.can_run_alliance(actor, alliance.pk, lead))
        region_school_ids = set(School.objects.filter(alliances=alliance).values_list("id", flat=True))
        cross_kind = "alliance"
    else:
        require(actor.can("region:activities") and bool(actor.region_ids))
        region_school_ids = set(actor.region_school_ids)
    if not set(school_ids) <= region_school_ids:
        raise NotPermitted()
    if Group.objects.filter(pk__in=list(group_ids)).exclude(school_id__in=region_school_ids).exists():
        raise NotPermitted()
    named = set(teacher_ids) | {host.pk, recorder.pk}
    if Teacher.objects.filter(pk__in=named).exclude(school_id__in=region_school_ids).exists():
        raise ValidationError("只能邀请联盟学校的教师。" if alliance is not None else "只能邀请本区域学校的教师。")
    if not (school_ids or group_ids or teacher_ids):
        raise ValidationError("请至少邀请一所学校、一个教研组或一位教师。")
    # The alliance, or the 教研员's own district (the top of their subtree that holds the schools).
    region = alliance or (
        Region.objects.filter(pk__in=actor.region_ids, kind="district").order_by("pk").first()
        or Region.objects.get(pk=min(actor.region_ids))
    )
    prefix = f"【{CROSS_KINDS.get(cross_kind, '区域教研')}】"
    activity = acts.activity_create(
        actor=actor,
        region=region,
        kind="regional",
        title=(title if title.startswith("【") else prefix + title.strip())[:200],
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        host=host,
        recorder=recorder,
        description=description,
    )
    whole = list(Teacher.objects.filter(school_id__in=list(school_ids), is_active=True).values_list("pk", flat=True))
    acts.activity_invite(actor=actor, activity=activity, group_ids=list(group_ids), teacher_ids=whole + list(teacher_ids), notify=False)
    if publish:
        acts.activity_publish(actor=actor, activity=activity)
    return activity


@transaction.atomic
def alliance_update(*, actor: Scope, alliance: Region, lead_school: School | None, description: str = "") -> Alliance:
    """The region's 教研员 names the lead school (one of the members) and describes the alliance."""
    require(predicates.can_edit_alliance(actor, alliance.pk))
    if lead_school is not None and not School.objects.filter(pk=lead_school.pk, alliances=alliance).exists():
        raise ValidationError("牵头学校必须是联盟成员校。")
    profile, _created = Alliance.objects.get_or_create(region=alliance)
    profile.lead_school = lead_school
    profile.description = description.strip()
    profile.full_clean()
    profile.save()
    return profile
