"""Writes of the resource library. Each service checks the actor first (predicates.py)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities.models import LessonPrep
from xiaoben.core.concurrency import claim_version
from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.models import User
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.core.uploads import validate_upload
from xiaoben.org.models import Group, RoleAssignment

from . import predicates
from .models import (
    CatalogueEntry,
    Edition,
    Favourite,
    FileRole,
    PrepLink,
    Resource,
    ResourceFile,
    ResourceKind,
    ShareState,
    Visibility,
)
from .previews import libreoffice, text_of

FILE_KINDS = frozenset({"pdf", "docx", "xlsx", "pptx", "image", "video", "text"})
OFFICE_KINDS = {"docx", "pptx", "xlsx"}
EDITABLE_FIELDS = ("kind", "title", "description", "subject", "grade", "edition", "volume", "catalogue", "unit", "keywords")


def video_max_mb() -> int:
    return int(getattr(settings, "RESOURCES_VIDEO_MAX_MB", 500))


def validate_resource_upload(upload: UploadedFile[bytes]) -> str:
    """Content decides the type; a video may be up to RESOURCES_VIDEO_MAX_MB, anything else
    up to UPLOAD_MAX_MB."""
    kind = validate_upload(upload, FILE_KINDS, max(video_max_mb(), settings.UPLOAD_MAX_MB))
    size = upload.size or 0
    if kind != "video" and size > settings.UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationError(f"文件太大：{size / 1024 / 1024:.1f} MB，非视频文件最大允许 {settings.UPLOAD_MAX_MB} MB。")
    return kind


def _check_fields(scope: Scope, fields: dict[str, Any], school_id: int) -> dict[str, Any]:
    cat = fields.get("catalogue")
    if cat is not None:
        if not visible_to(scope, CatalogueEntry).filter(pk=cat.pk).exists():
            raise ValidationError("所选单元不在可用的教材目录中。")
        fields.setdefault("subject", cat.subject)
        fields.setdefault("grade", cat.grade)
        fields.setdefault("edition", cat.edition)
        fields.setdefault("volume", cat.volume)
        if not fields.get("unit"):
            fields["unit"] = cat.name
    if fields.get("kind") and fields["kind"] not in ResourceKind.values:
        raise ValidationError("资源类型不正确。")
    if fields.get("edition") and fields["edition"] not in Edition.values:
        raise ValidationError("教材版本不正确。")
    return fields


@transaction.atomic
def resource_create(
    *,
    actor: Scope,
    title: str,
    kind: str,
    files: list[tuple[UploadedFile[bytes], str]] | None = None,
    visibility: str = Visibility.SCHOOL,
    group: Group | None = None,
    user: User | None = None,
    **fields: Any,
) -> Resource:
    """A teacher (or a school admin) adds a resource of their school, with its files."""
    require(predicates.can_create_resource(actor), "只有学校的教师可以上传资源。")
    school_id, user_id = actor.school_id, actor.user_id
    if school_id is None or user_id is None:
        raise NotPermitted("只有学校的教师可以上传资源。")
    uploader = user or User.objects.get(pk=user_id)
    fields = _check_fields(actor, dict(fields), school_id)
    r = Resource(
        school_id=school_id,
        author=actor.teacher,
        uploaded_by=uploader,
        title=(title or "").strip(),
        kind=kind,
        visibility=Visibility.PRIVATE,
        **fields,
    )
    if not r.title:
        raise ValidationError("请填写标题。")
    r.full_clean()
    r.save()
    for upload, role in files or []:
        resource_file_add(actor=actor, resource=r, upload=upload, role=role, user=uploader)
    resource_set_visibility(actor=actor, resource=r, visibility=visibility, group=group)
    return r


@transaction.atomic
def resource_update(*, actor: Scope, resource: Resource, expected_version: int | None = None, **fields: Any) -> Resource:
    require(predicates.can_edit_resource(actor, resource), "只有作者和学校管理员可以修改资源。")
    fields = _check_fields(actor, {k: v for k, v in fields.items() if k in EDITABLE_FIELDS}, resource.school_id)
    for k, v in fields.items():
        setattr(resource, k, v)
    if not resource.title.strip():
        raise ValidationError("请填写标题。")
    resource.full_clean(exclude=["version"])
    claim_version(resource, expected_version)
    resource.save()
    return resource


@transaction.atomic
def resource_file_add(
    *, actor: Scope, resource: Resource, upload: UploadedFile[bytes], role: str = FileRole.OTHER, user: User | None = None
) -> ResourceFile:
    """Add a file; a file with the same name becomes its next version."""
    require(predicates.can_edit_resource(actor, resource), "只有作者和学校管理员可以上传文件。")

    kind = validate_resource_upload(upload)
    if role not in FileRole.values:
        role = FileRole.OTHER
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    previous = ResourceFile.objects.select_for_update().filter(resource=resource, name=name, is_current=True).first()
    version = 1
    if previous is not None:
        version = previous.version + 1
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    rf = ResourceFile.objects.create(
        resource=resource,
        file=upload,
        name=name,
        size=upload.size or 0,
        kind=kind,
        role=role,
        version=version,
        uploaded_by=user or User.objects.get(pk=actor.user_id or 0),
        preview_text=text_of(upload, kind) if kind in OFFICE_KINDS | {"text"} else "",
    )
    if kind in OFFICE_KINDS and libreoffice():
        from xiaoben.core.jobs import enqueue

        from .tasks import preview_pdf_build

        enqueue(preview_pdf_build, rf.pk)
    Resource.objects.filter(pk=resource.pk).update(updated_at=timezone.now())
    return rf


@transaction.atomic
def resource_file_remove(*, actor: Scope, file: ResourceFile) -> None:
    require(predicates.can_edit_resource(actor, file.resource), "只有作者和学校管理员可以删除文件。")
    resource = file.resource
    name = file.name
    file.delete()
    if not ResourceFile.objects.filter(resource=resource, name=name, is_current=True).exists():
        prev = ResourceFile.objects.filter(resource=resource, name=name).order_by("-version").first()
        if prev:
            prev.is_current = True
            prev.save(update_fields=["is_current"])


def _school_admin_user_ids(school_id: int) -> list[int]:

    return list(
        RoleAssignment.objects.filter(school_id=school_id, role__in=["principal", "school_admin"]).values_list("user_id", flat=True)
    )


@transaction.atomic
def resource_set_visibility(*, actor: Scope, resource: Resource, visibility: str, group: Group | None = None) -> Resource:
    """Set who may read a resource. 区域共享 and 公开 need the school admin's approval
    (an admin's own choice is approved at once); until then the resource is read as 本校."""
    require(predicates.can_edit_resource(actor, resource), "只有作者和学校管理员可以修改共享范围。")
    if visibility not in Visibility.values:
        raise ValidationError("共享范围不正确。")
    if visibility == Visibility.GROUP:
        if group is None:
            raise ValidationError("共享到本组时请选择小组。")
        if group.school_id != resource.school_id:
            raise ValidationError("只能共享到本校的小组。")
    resource.visibility = visibility
    resource.group = group if visibility == Visibility.GROUP else None
    if visibility in (Visibility.REGION, Visibility.PUBLIC):
        if predicates.can_approve_share(actor, resource):
            resource.share_state = ShareState.APPROVED
            resource.share_decided_by_id = actor.user_id
            resource.share_decided_at = timezone.now()
        elif resource.share_state != ShareState.APPROVED:
            resource.share_state = ShareState.PENDING
            resource.share_decided_by = None
            resource.share_decided_at = None
            transaction.on_commit(lambda: _notify_share_request(actor, resource))
    else:
        resource.share_state = ShareState.NONE
    resource.save(update_fields=["visibility", "group", "share_state", "share_decided_by", "share_decided_at", "updated_at"])
    return resource


def _notify_share_request(actor: Scope, resource: Resource) -> None:
    admins = _school_admin_user_ids(resource.school_id)
    if admins:
        notify(
            "resources.share_requested",
            recipients=admins,
            target=resource,
            context={
                "actor": actor.teacher.name if actor.teacher else "",
                "title": resource.title,
                "scope": resource.get_visibility_display(),
            },
            url=reverse("resources:detail", args=[resource.pk]),
        )


@transaction.atomic
def resource_share_decide(*, actor: Scope, resource: Resource, approve: bool) -> Resource:
    """The school admin approves (or declines) sharing to the region/public."""
    require(predicates.can_approve_share(actor, resource), "只有学校管理员可以审批区域共享。")
    if resource.share_state != ShareState.PENDING:
        raise ValidationError("这个资源没有待审批的共享申请。")
    resource.share_state = ShareState.APPROVED if approve else ShareState.REJECTED
    resource.share_decided_by_id = actor.user_id
    resource.share_decided_at = timezone.now()
    resource.save(update_fields=["share_state", "share_decided_by", "share_decided_at", "updated_at"])
    if resource.uploaded_by_id:
        notify(
            "resources.share_decided",
            recipients=[resource.uploaded_by_id],
            target=resource,
            context={"title": resource.title, "scope": resource.get_visibility_display(), "result": "已批准" if approve else "未批准"},
            url=reverse("resources:detail", args=[resource.pk]),
        )
    return resource


@transaction.atomic
def resource_delete(*, actor: Scope, resource: Resource) -> None:
    require(predicates.can_edit_resource(actor, resource), "只有作者和学校管理员可以删除资源。")
    if resource.showcase_entries.exists():
        raise ValidationError("这个资源已推荐参加晒课，不能删除。")
    resource.soft_delete()
    from .search import index_pk

    transaction.on_commit(lambda: index_pk(Resource, resource.pk))


def resource_downloaded(*, resource: Resource) -> None:
    """Count a download (a conditional UPDATE: no lost increments between app servers)."""
    Resource.objects.filter(pk=resource.pk).update(download_count=F("download_count") + 1)


def resource_viewed(*, resource: Resource) -> None:
    Resource.objects.filter(pk=resource.pk).update(view_count=F("view_count") + 1)


@transaction.atomic
def favourite_toggle(*, actor: Scope, resource: Resource) -> bool:
    """Returns True when the resource is now a favourite."""
    user_id = actor.user_id
    if not actor.is_authenticated or user_id is None:
        raise NotPermitted("请先登录。")
    deleted, _ = Favourite.objects.filter(resource=resource, user_id=user_id).delete()
    if deleted:
        return False
    try:
        with transaction.atomic():
            Favourite.objects.create(resource=resource, user_id=user_id)
    except IntegrityError:
        pass
    return True


@transaction.atomic
def prep_link_add(*, actor: Scope, resource: Resource, prep: LessonPrep) -> PrepLink:
    """“用于我的备课”: link a resource the person can read to a 集体备课 of their school."""
    if actor.teacher is None:
        raise NotPermitted("只有教师可以关联备课。")
    if not visible_to(actor, LessonPrep).filter(pk=prep.pk, school_id=actor.teacher.school_id).exists():
        raise NotPermitted()
    link, _ = PrepLink.objects.get_or_create(resource=resource, prep=prep, defaults={"linked_by": actor.teacher})
    return link


@transaction.atomic
def catalogue_entry_add(
    *, actor: Scope, subject: str, edition: str, grade: int, volume: int, name: str, for_region: bool = False
) -> CatalogueEntry:
    """A school (its admins) or a district (its 教研员) extends the textbook catalogue."""
    if for_region:
        require(actor.can("region:activities") and bool(actor.region_ids), "只有教研员可以扩充区域教材目录。")
        owner = {"region_id": min(actor.region_ids)}
    else:
        require(actor.is_school_admin, "只有学校管理员可以扩充本校教材目录。")
        owner = {"school_id": min(actor.admin_school_ids)}
    if not (name or "").strip():
        raise ValidationError("请填写单元/章节名称。")
    entry = CatalogueEntry(subject=subject, edition=edition, grade=grade, volume=volume, name=name.strip(), order=999, **owner)
    entry.full_clean()
    entry.save()
    return entry
