"""Publish any record as a resource: an activity's 示范课 with its 教案 (集体备课), minutes
and video; a 教学反思 or 案例; a lesson-study series with its rounds. The resource keeps a
link to its record and the record's numbers at publishing time (attendance, average score);
the link is shown only to those who may open the record (selectors.origin_for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils.html import strip_tags

from xiaoben.activities.models import Activity, LessonStudySeries
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.models import Attachment, User
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Teacher
from xiaoben.writings.models import Writing

from .models import FileRole, Resource, ResourceFile, ResourceKind, Visibility


@dataclass
class Draft:
    title: str
    kind: str
    description: str
    school_id: int
    author_id: int | None
    subject: str = ""
    grade: int | None = None
    label: str = ""
    stats: dict[str, Any] = field(default_factory=dict)  # figure label → number (stored as JSON)
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # (file name, role, text)
    attachments: list[Attachment] = field(default_factory=list)  # core Attachment rows to copy


def url_for_record(obj: models.Model) -> str | None:
    if isinstance(obj, LessonStudySeries):
        return reverse("activities:series_detail", args=[obj.pk])
    url: str | None = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else None
    return url


def _activity_stats(activity_ids: list[int]) -> dict[str, Any]:
    from xiaoben.activities.models import Attendance
    from xiaoben.observations.models import Observation

    att = Attendance.objects.filter(activity_id__in=activity_ids).aggregate(
        present=Count("id", filter=Q(status="present")), invited=Count("id")
    )
    obs = Observation.objects.counted().filter(activity_id__in=activity_ids).aggregate(n=Count("id"), avg=Avg("total"))
    return {
        "出席人数": att["present"],
        "应到人数": att["invited"],
        "听课记录": obs["n"],
        "平均得分": round(float(obs["avg"]), 1) if obs["avg"] is not None else None,
    }


def _attachments(obj: models.Model) -> list[Attachment]:
    ct = ContentType.objects.get_for_model(obj)
    return list(Attachment.objects.filter(target_type=ct, target_id=obj.pk))


def _draft_for_activity(a: Activity) -> Draft:
    from xiaoben.activities.models import LessonPrep

    prep = LessonPrep.objects.filter(activity=a).prefetch_related("versions").first()
    texts: list[tuple[str, str, str]] = []
    if prep is not None:
        versions = sorted(prep.versions.all(), key=lambda v: v.created_at)
        main = [v for v in versions if v.kind in ("draft", "revised")]
        if main:
            texts.append((f"{prep.title}-教案.txt", FileRole.DESIGN, strip_tags(main[-1].body)))
    minutes = getattr(a, "minutes", None)
    if minutes is not None and minutes.body:
        texts.append((f"{a.title}-活动记录.txt", FileRole.OTHER, strip_tags(minutes.body)))
    subject = a.group.subject if a.group is not None else ""
    if a.school_id is None:
        raise ValidationError("区域活动不能发布为学校的资源。")
    kind = ResourceKind.VIDEO if any(att.kind == "video" for att in _attachments(a)) else ResourceKind.LESSON_PLAN
    return Draft(
        title=a.title,
        kind=kind,
        description=strip_tags(a.description or ""),
        school_id=a.school_id,
        author_id=a.host_id,
        subject=subject,
        grade=prep.grade if prep else None,
        label=f"{a.get_kind_display()}{'·' + a.get_lesson_kind_display() if a.lesson_kind else ''}：{a.title}",
        stats=_activity_stats([a.pk]),
        texts=texts,
        attachments=_attachments(a),
    )


def _draft_for_writing(w: Writing) -> Draft:
    return Draft(
        title=w.title,
        kind=ResourceKind.CASE,
        description=strip_tags(w.body)[:500],
        school_id=w.school_id,
        author_id=w.author_id,
        subject=w.author.subject,
        label=f"{w.get_kind_display()}：{w.title}",
        stats={"字数": w.char_count},
        texts=[(f"{w.title}.txt", FileRole.OTHER, strip_tags(w.body))],
        attachments=_attachments(w),
    )


def _draft_for_series(s: LessonStudySeries) -> Draft:
    rounds = list(s.rounds.select_related("activity", "teacher").order_by("number"))
    lines = [f"第{r.number}轮 {r.activity.title} {r.teacher.name if r.teacher else ''} {r.note}" for r in rounds]
    return Draft(
        title=s.title,
        kind=ResourceKind.CASE,
        description=f"{s.get_kind_display()}。{s.goal}\n" + "\n".join(lines),
        school_id=s.school_id,
        author_id=rounds[0].teacher_id if rounds and rounds[0].teacher_id else None,
        subject=s.group.subject if s.group is not None else "",
        label=f"{s.get_kind_display()}：{s.title}",
        stats={"轮次": len(rounds), **_activity_stats([r.activity_id for r in rounds])},
    )


def draft_for(record: models.Model) -> Draft:
    if isinstance(record, Activity):
        return _draft_for_activity(record)
    if isinstance(record, Writing):
        if record.status == "draft":
            raise ValidationError("草稿不能发布为资源，请先提交。")
        return _draft_for_writing(record)
    if isinstance(record, LessonStudySeries):
        return _draft_for_series(record)
    raise ValidationError("这类记录不能发布为资源。")


PUBLISHABLE = {"activity": ("activities", "Activity"), "writing": ("writings", "Writing"), "series": ("activities", "LessonStudySeries")}


def can_publish_record(scope: Scope, record: models.Model, draft: Draft) -> bool:
    """The record's author/host (teacher) or the school's admins."""
    if scope.admin_of(draft.school_id):
        return True
    return scope.teacher_id is not None and draft.author_id == scope.teacher_id


@transaction.atomic
def resource_publish_record(*, actor: Scope, record: models.Model, visibility: str = Visibility.SCHOOL) -> Resource:
    from .services import resource_set_visibility

    user_id = actor.user_id
    if user_id is None or not visible_to(actor, type(record)).filter(pk=record.pk).exists():
        raise NotPermitted()
    draft = draft_for(record)
    require(can_publish_record(actor, record, draft), "只有记录的作者（执教/主持人）或学校管理员可以把它发布为资源。")
    ct = ContentType.objects.get_for_model(record)
    existing = Resource.objects.filter(origin_type=ct, origin_id=record.pk).first()
    if existing is not None:
        raise ValidationError("这条记录已经发布为资源了。")
    author = Teacher.objects.filter(pk=draft.author_id).first() if draft.author_id else None
    r: Resource = Resource.objects.create(
        school_id=draft.school_id,
        author=author,
        uploaded_by=User.objects.get(pk=user_id),
        kind=draft.kind,
        title=draft.title[:200],
        description=draft.description[:20000],
        subject=draft.subject,
        grade=draft.grade,
        visibility=Visibility.PRIVATE,
        origin_type=ct,
        origin_id=record.pk,
        origin_label=draft.label[:200],
        origin_stats=draft.stats,
    )
    for name, role, text in draft.texts:
        data = text.encode("utf-8")
        ResourceFile.objects.create(
            resource=r,
            file=ContentFile(data, name=name),
            name=name,
            size=len(data),
            kind="text",
            role=role,
            uploaded_by_id=user_id,
            preview_text=text[:20000],
        )
    for att in draft.attachments:
        att.file.open("rb")
        try:
            content = ContentFile(att.file.read(), name=att.name)
        finally:
            att.file.close()
        ResourceFile.objects.create(
            resource=r,
            file=content,
            name=att.name,
            size=att.size,
            kind=att.kind,
            role=FileRole.VIDEO if att.kind == "video" else FileRole.OTHER,
            uploaded_by_id=user_id,
        )
    resource_set_visibility(actor=actor, resource=r, visibility=visibility)
    return r
