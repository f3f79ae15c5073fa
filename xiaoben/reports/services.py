"""Writes of the reports app: summary prose drafts, term closure and reopening, templates."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xiaoben.core.concurrency import claim_version
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import User
from xiaoben.core.scope import Scope
from xiaoben.core.uploads import validate_upload
from xiaoben.core.validation import require_lengths
from xiaoben.org.models import School, Term
from xiaoben.reportkit import summary as sm

from . import selectors
from .models import DocumentTemplate, SummaryDraft, TermClosure, TermClosureLog
from .templates_docx import check_template

PROSE_KEYS = ("intro", "problems", "next_steps", "closing")
MAX_PROSE = 20000


def can_edit_summary(scope: Scope, period: sm.Period) -> bool:
    if period.region is not None:
        return period.region.pk in scope.region_ids
    school_id = period.schools[0].pk
    if period.group is not None:
        return scope.admin_of(school_id) or period.group.pk in scope.led_group_ids
    return scope.can("reports:export", school_id=school_id)


@transaction.atomic
def summary_draft_save(
    *, actor: Scope, period: sm.Period, prose: dict[str, Any], title: str = "", expected_version: int | None = None
) -> SummaryDraft:
    """Save the prose of a summary. The numbers are never stored: regenerating keeps the prose.
    `expected_version` is the draft's version the page was loaded with (0: there was none yet)."""
    if not can_edit_summary(actor, period):
        raise NotPermitted()
    clean: dict[str, str] = {}
    for k, v in prose.items():
        if not (k in PROSE_KEYS or k.startswith("section.")):
            continue
        text = (v or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_PROSE:
            raise ValidationError(f"“{k}”一段文字过长（不超过{MAX_PROSE}字）。")
        clean[k] = text
    require_lengths([("标题", title.strip(), 200)])
    draft, _ = SummaryDraft.objects.get_or_create(**selectors.draft_key(period), defaults={"version": 0})
    draft.prose = {**draft.prose, **clean}
    draft.title = title.strip()
    draft.saved_by_id = actor.user_id
    draft.full_clean(exclude=["version"])
    claim_version(draft, expected_version)  # a draft made meanwhile by someone else is a conflict too
    draft.save()
    return draft


# ---------------------------------------------------------------- 学期归档


def can_close_term(scope: Scope, term: Term) -> bool:
    return scope.can("reports:export", school_id=term.school_id) and scope.can("org:manage", school_id=term.school_id)


@transaction.atomic
def term_close(*, actor: Scope, term: Term, user: User, full_archive: bool = True) -> TermClosure:
    """Close a term: its records become read-only and the archive is built (in the background)."""
    if not can_close_term(actor, term):
        raise NotPermitted()
    closure, _ = TermClosure.objects.select_for_update().get_or_create(term=term)
    if closure.is_closed:
        raise ValidationError(f"{term.name}已经归档。")
    if term.end_date > timezone.localdate() and not getattr(term, "_allow_early", False):
        raise ValidationError(f"{term.name}尚未结束（{term.end_date:%Y-%m-%d}结束），学期结束后才能归档。")
    closure.closed_at = timezone.now()
    closure.closed_by = user
    closure.save()
    TermClosureLog.objects.create(term=term, action="close", user=user, reason="")
    from .jobs import job_create

    job_create(
        actor=actor,
        user=user,
        identifier="reports.term_archive_zip",
        params={"term": term.pk, "school": term.school_id, "full": full_archive},
    )
    return closure


@transaction.atomic
def term_reopen(*, actor: Scope, term: Term, user: User, reason: str) -> TermClosure:
    """Reopen a closed term; the reason is logged with who and when."""
    if not can_close_term(actor, term):
        raise NotPermitted()
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise ValidationError("请写明重新开放的原因（至少4个字）。")
    closure = TermClosure.objects.select_for_update().filter(term=term, closed_at__isnull=False).first()
    if closure is None:
        raise ValidationError(f"{term.name}没有归档，无需重新开放。")
    closure.closed_at = None
    closure.save(update_fields=["closed_at", "updated_at"])
    TermClosureLog.objects.create(term=term, action="reopen", user=user, reason=reason[:500])
    return closure


# ---------------------------------------------------------------- the school's Word templates


@transaction.atomic
def template_upload(*, actor: Scope, school: School, document: str, upload: UploadedFile[bytes] | None, user: User) -> DocumentTemplate:
    """Check the uploaded .docx, then make it the school's template for `document`. A broken
    template is refused with a message naming the problem; the previous one stays in force."""
    if not actor.can("reports:export", school_id=school.pk):
        raise NotPermitted()
    if upload is None:
        raise ValidationError("请选择要上传的 .docx 模板文件。")
    validate_upload(upload, {"docx"}, 10)
    data = upload.read()
    check_template(document, data)
    DocumentTemplate.objects.filter(school=school, document=document, is_active=True).update(is_active=False)
    tpl = DocumentTemplate(school=school, document=document, original_name=(upload.name or "模板.docx")[:200], uploaded_by=user)
    tpl.file.save("template.docx", ContentFile(data), save=False)
    tpl.full_clean()
    tpl.save()
    return tpl


@transaction.atomic
def template_reset(*, actor: Scope, school: School, document: str) -> int:
    """Back to the default layout (the uploaded files stay, inactive, for the record)."""
    if not actor.can("reports:export", school_id=school.pk):
        raise NotPermitted()
    return DocumentTemplate.objects.filter(school=school, document=document, is_active=True).update(is_active=False)
