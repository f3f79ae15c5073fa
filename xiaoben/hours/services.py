"""Writes to the 学时 ledger. Every service takes the actor's `Scope` and checks it first
(xiaoben.hours.predicates): out of reach → NotPermitted() (404), seen but not theirs to do →
NotPermitted("…") (403 with the reason).

Activity credits are written by the platform (`actor=SYSTEM`): the activities service checks who
may record an activity, then hands its attendance to `activity_credits_sync` with `SYSTEM`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from xiaoben.core.changes import rows_changed
from xiaoben.core.errors import require
from xiaoben.core.models import User
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_date_open
from xiaoben.org.models import Region, School, Teacher
from xiaoben.requirements.models import Period, Requirement

from . import predicates as can
from .models import ClaimDecision, ClaimKind, ClaimReview, ClaimStatus, HourCategory, HourEntry, HourSource, TrainingClaim

if TYPE_CHECKING:
    from xiaoben.activities.models import Activity

# —— the 学时 an activity earns: the credit rule lives here, activities calls it ——

DEFAULT_HOURS = {"participant": Decimal(2), "recorder": Decimal(2), "host": Decimal(3), "speaker": Decimal(3)}
DEFAULT_HOURS_BY_KIND = {"outside": {"participant": Decimal(6)}, "lecture": {"speaker": Decimal(4)}}
REGION_KINDS = ("regional", "outside")  # activities.ActivityKind values credited as 区级


def activity_hours_table(activity: Activity) -> dict[str, Decimal]:
    """学时 by role for this activity's kind: defaults, then the school's settings."""
    table = dict(DEFAULT_HOURS)
    table.update(DEFAULT_HOURS_BY_KIND.get(activity.kind, {}))
    conf = (activity.school.setting("activity_hours", {}) if activity.school is not None else {}) or {}
    for source in (conf.get("default", {}), {k: v for k, v in conf.items() if k in DEFAULT_HOURS}, conf.get(activity.kind, {})):
        for role, value in (source or {}).items():
            try:
                table[role] = Decimal(str(value))
            except ArithmeticError:
                continue
    return table


def activity_hour_category(activity: Activity) -> str:
    if activity.kind == "online":
        return HourCategory.ONLINE
    if activity.school_id is None or activity.kind in REGION_KINDS:
        return HourCategory.REGION
    return HourCategory.SCHOOL


def activity_credits_sync(*, actor: Scope, activity: Activity, attendees: list[tuple[int, str]]) -> dict[int, Decimal]:
    """Credit `attendees` ([(teacher_id, role)], the present ones) by the rule above (idempotent).
    The activities service has checked who records the activity; it passes `SYSTEM`."""
    require(can.can_credit(actor))
    table = activity_hours_table(activity)
    credits = {teacher_id: table.get(role, table["participant"]) for teacher_id, role in attendees}
    hour_entries_sync_for_activity(actor=actor, activity=activity, credits=credits, category=activity_hour_category(activity))
    return credits


@transaction.atomic
def hour_entries_sync_for_activity(
    *,
    actor: Scope,
    activity: Activity,
    credits: dict[int, Decimal],
    day: dt.date | None = None,
    category: str = HourCategory.SCHOOL,
) -> None:
    """Make the ledger match `credits` ({teacher_id: hours}) for one activity.

    Idempotent: recording an activity twice never credits twice; a teacher no longer
    in `credits` (attendance removed) loses the credit (soft delete, restorable)."""
    require(can.can_credit(actor))
    day = day or (timezone.localtime(activity.starts_at).date() if activity.starts_at else timezone.localdate())
    existing = {e.teacher_id: e for e in HourEntry.all_objects.select_for_update().filter(activity=activity)}
    for teacher_id, old in existing.items():
        if teacher_id not in credits and old.deleted_at is None:
            old.soft_delete()
    school_of = dict(Teacher.objects.filter(id__in=list(credits)).values_list("id", "school_id"))
    fresh: list[HourEntry] = []
    for teacher_id, amount in credits.items():
        hours = Decimal(amount)
        entry = existing.get(teacher_id)
        if entry is None:
            fresh.append(
                HourEntry(
                    school_id=school_of[teacher_id],
                    teacher_id=teacher_id,
                    term=activity.term,
                    date=day,
                    hours=hours,
                    category=category,
                    source=HourSource.ACTIVITY,
                    activity=activity,
                    description=activity.title[:200],
                )
            )
        elif entry.hours != hours or entry.deleted_at is not None or entry.category != category:
            entry.hours, entry.category, entry.deleted_at, entry.date = hours, category, None, day
            entry.save(update_fields=["hours", "category", "deleted_at", "date", "updated_at"])
    # a whole sign-in sheet's credits in one insert (with their history); kept counts and tallies are told
    rows_changed(HourEntry, [e.pk for e in bulk_create_with_history(fresh, HourEntry)])


# —— 学时申报 (training claims) and their approval chain ——

CHAIN_STEPS = ("school", "region")
MAX_CLAIM_HOURS = Decimal("500")
CLAIM_FIELDS = ("title", "organiser", "start_date", "end_date", "hours", "kind", "category")


def claim_chain_for(school: School) -> list[str]:
    """The school's chain: school.setting("claim_chain", ["school", "region"]); unknown steps ignored."""
    raw = school.setting("claim_chain", list(CHAIN_STEPS)) or list(CHAIN_STEPS)
    chain = [s for s in CHAIN_STEPS if s in raw]
    return chain or ["school"]


def _clean_claim_fields(
    *,
    title: str,
    organiser: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    hours: Any,
    kind: str,
    category: str,
) -> dict[str, Any]:
    from xiaoben.core.validation import too_long

    errors: dict[str, str] = {}
    title, organiser = (title or "").strip(), (organiser or "").strip()
    if not title:
        errors["title"] = "请填写培训名称。"
    elif message := too_long("培训名称", title, 200):  # refused, never cut: the form says the same
        errors["title"] = message
    if not organiser:
        errors["organiser"] = "请填写主办单位。"
    elif message := too_long("主办单位", organiser, 100):
        errors["organiser"] = message
    if kind not in ClaimKind.values:
        errors["kind"] = "请选择培训类型。"
    if category not in HourCategory.values:
        errors["category"] = "请选择学时类别。"
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = "结束日期不能早于开始日期。"
    if end_date and end_date > timezone.localdate():
        errors["end_date"] = "培训尚未结束，结束后再申报。"
    amount: Decimal | None
    try:
        amount = Decimal(str(hours))
    except Exception:
        amount = None
    if amount is None or amount <= 0:
        errors["hours"] = "学时必须大于 0。"
    elif amount > MAX_CLAIM_HOURS or amount != amount.quantize(Decimal("0.1")):
        errors["hours"] = f"学时应在 0.1 到 {MAX_CLAIM_HOURS} 之间，最多一位小数。"
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "organiser": organiser,
        "start_date": start_date,
        "end_date": end_date,
        "hours": amount,
        "kind": kind,
        "category": category,
    }


def _school_approvers(school_id: int) -> list[int]:
    from xiaoben.core.permissions import SCHOOL_ROLES
    from xiaoben.org.models import RoleAssignment

    return list(RoleAssignment.objects.filter(school_id=school_id, role__in=SCHOOL_ROLES).values_list("user_id", flat=True))


def _region_approvers(school: School) -> list[int]:
    from xiaoben.core.permissions import REGION_ROLES
    from xiaoben.org.models import RoleAssignment

    ancestors: list[int] = []
    region: Region | None = school.region
    while region is not None:
        ancestors.append(region.pk)
        region = region.parent
    return list(RoleAssignment.objects.filter(region_id__in=ancestors, role__in=REGION_ROLES).values_list("user_id", flat=True))


def _claim_url(claim: TrainingClaim) -> str:
    from django.urls import reverse

    return reverse("hours:claim_detail", args=[claim.pk])


def _notify_next(claim: TrainingClaim) -> None:
    if claim.step == "school":
        ids = _school_approvers(claim.school_id)
        where = "学校审核"
    else:
        ids = _region_approvers(claim.school)
        where = "区县审核"
    ids = [i for i in ids if i != claim.teacher.user_id]
    if ids:
        notify(
            "hours.claim_review",
            recipients=ids,
            context={"teacher": claim.teacher.name, "title": claim.title, "hours": claim.hours, "step": where},
            url=_claim_url(claim),
            target=claim,
        )


def _attach_certificate(actor: Scope, claim: TrainingClaim, certificate: UploadedFile[bytes]) -> None:
    """The certificate goes through core's attachments, which take the acting user."""
    from xiaoben.core.services import attachment_add

    user = User.objects.get(pk=actor.user_id or 0)
    try:
        attachment_add(user=user, target=claim, upload=certificate, kinds={"pdf", "image"})
    except ValidationError as e:
        raise ValidationError({"certificate": e.messages}) from None


@transaction.atomic
def claim_submit(
    *,
    actor: Scope,
    title: str,
    organiser: str,
    kind: str,
    category: str,
    start_date: dt.date,
    end_date: dt.date,
    hours: Any,
    certificate: UploadedFile[bytes] | None,
) -> TrainingClaim:
    """A teacher claims hours for external training. The certificate (PDF or image) is
    attached once here; the claim then travels the school's chain."""
    require(can.can_claim(actor))
    teacher = actor.teacher
    assert teacher is not None  # can_claim holds only for a teacher
    fields = _clean_claim_fields(
        title=title, organiser=organiser, start_date=start_date, end_date=end_date, hours=hours, kind=kind, category=category
    )
    require_date_open(teacher.school_id, fields["end_date"])
    if certificate is None:
        raise ValidationError({"certificate": "请上传培训证书（PDF 或图片）。"})
    chain = claim_chain_for(teacher.school)
    claim = TrainingClaim(
        school_id=teacher.school_id,
        teacher=teacher,
        chain=chain,
        step=chain[0],
        reached_region=chain[0] == "region",
        submitted_at=timezone.now(),
        **fields,
    )
    claim.full_clean()
    claim.save()
    _attach_certificate(actor, claim, certificate)
    ClaimReview.objects.create(claim=claim, step=claim.step, decision=ClaimDecision.SUBMIT, reviewer_id=actor.user_id)
    _notify_next(claim)
    return claim


@transaction.atomic
def claim_resubmit(*, actor: Scope, claim: TrainingClaim, certificate: UploadedFile[bytes] | None = None, **changes: Any) -> TrainingClaim:
    """After a rejection the teacher fixes the claim (and may replace the certificate) and
    sends it again from the first step."""
    from django.contrib.contenttypes.models import ContentType

    from xiaoben.core.models import Attachment

    can.require_on(actor, claim, can.can_resubmit(actor, claim), "只能重新提交自己的申报。")
    claim = TrainingClaim.objects.select_for_update().select_related("teacher", "school").get(pk=claim.pk)
    if claim.status != ClaimStatus.REJECTED:
        raise ValidationError("只有被退回的申报才能修改后重新提交。")
    current = {f: getattr(claim, f) for f in CLAIM_FIELDS}
    current.update({k: v for k, v in changes.items() if k in current})
    require_date_open(claim.school_id, claim.end_date)
    for k, v in _clean_claim_fields(**current).items():
        setattr(claim, k, v)
    require_date_open(claim.school_id, claim.end_date)
    if certificate is not None:
        ct = ContentType.objects.get_for_model(TrainingClaim)
        _attach_certificate(actor, claim, certificate)
        newest = Attachment.objects.filter(target_type=ct, target_id=claim.pk).order_by("-id").first()
        if newest is not None:
            Attachment.objects.filter(target_type=ct, target_id=claim.pk).exclude(pk=newest.pk).delete()
    claim.chain = claim_chain_for(claim.school)
    claim.status, claim.step, claim.reject_reason = ClaimStatus.PENDING, claim.chain[0], ""
    claim.reached_region = claim.step == "region"
    claim.submitted_at, claim.decided_at = timezone.now(), None
    claim.full_clean()
    claim.save()
    ClaimReview.objects.create(
        claim=claim, step=claim.step, decision=ClaimDecision.SUBMIT, reviewer_id=actor.user_id, reason="修改后重新提交"
    )
    _notify_next(claim)
    return claim


def _locked_claim(actor: Scope, claim: TrainingClaim) -> TrainingClaim:
    """The claim, locked, once the actor may decide its current step and it is still open."""
    claim = TrainingClaim.objects.select_for_update().select_related("teacher", "school__region").get(pk=claim.pk)
    can.require_on(actor, claim, not actor.is_self(claim.teacher_id), "不能审核自己的学时申报。")
    can.require_on(actor, claim, can.can_review(actor, claim), f"您没有「{claim.get_step_display()}」的审核权限。")
    if claim.status == ClaimStatus.APPROVED:
        raise ValidationError("该申报已审核通过，不能重复审核。")
    if claim.status == ClaimStatus.REJECTED:
        raise ValidationError("该申报已被退回，等待教师修改后重新提交。")
    require_date_open(claim.school_id, claim.end_date)
    return claim


@transaction.atomic
def claim_approve(*, actor: Scope, claim: TrainingClaim, comment: str = "") -> TrainingClaim:
    """Pass the current step. The last step credits the hours to the ledger exactly once."""
    claim = _locked_claim(actor, claim)
    step_label = claim.get_step_display()
    ClaimReview.objects.create(
        claim=claim, step=claim.step, decision=ClaimDecision.APPROVE, reviewer_id=actor.user_id, reason=comment.strip()[:500]
    )
    chain = claim.chain or ["school"]
    idx = chain.index(claim.step) if claim.step in chain else len(chain) - 1
    if idx + 1 < len(chain):
        claim.step = chain[idx + 1]
        claim.reached_region = claim.reached_region or claim.step == "region"
        claim.save(update_fields=["step", "reached_region", "updated_at"])
        notify(
            "hours.claim_passed",
            recipients=[claim.teacher.user_id],
            context={"title": claim.title, "step": step_label, "next": claim.get_step_display()},
            url=_claim_url(claim),
            target=claim,
        )
        _notify_next(claim)
        return claim
    claim.status, claim.decided_at = ClaimStatus.APPROVED, timezone.now()
    claim.save(update_fields=["status", "decided_at", "updated_at"])
    _credit_claim(claim)
    notify(
        "hours.claim_approved",
        recipients=[claim.teacher.user_id],
        context={"title": claim.title, "step": step_label, "hours": claim.hours},
        url=_claim_url(claim),
        target=claim,
    )
    return claim


def _credit_claim(claim: TrainingClaim) -> HourEntry:
    """The approved claim's ledger line, once (internal: only `claim_approve` calls it, after its checks)."""
    from xiaoben.org.selectors import term_for_date

    entry = HourEntry.all_objects.filter(teacher_id=claim.teacher_id, source_ref=claim.source_ref).first()
    if entry is not None:
        if entry.deleted_at is not None:
            entry.restore()
        return entry
    term = term_for_date(claim.school_id, claim.end_date)
    created: HourEntry = HourEntry.objects.create(
        school_id=claim.school_id,
        teacher_id=claim.teacher_id,
        term=term,
        date=claim.end_date,
        hours=claim.hours,
        category=claim.category,
        source=HourSource.CLAIM,
        source_ref=claim.source_ref,
        description=f"{claim.get_kind_display()}：{claim.title}"[:200],
    )
    return created


@transaction.atomic
def claim_reject(*, actor: Scope, claim: TrainingClaim, reason: str) -> TrainingClaim:
    """Send the claim back to the teacher. A reason is required at every step."""
    claim = _locked_claim(actor, claim)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "退回时必须填写理由，告诉老师需要修改什么。"})
    if len(reason) > 500:
        raise ValidationError({"reason": "退回理由最多 500 字。"})
    step_label = claim.get_step_display()
    ClaimReview.objects.create(claim=claim, step=claim.step, decision=ClaimDecision.REJECT, reviewer_id=actor.user_id, reason=reason)
    claim.status, claim.reject_reason, claim.decided_at = ClaimStatus.REJECTED, reason, timezone.now()
    claim.save(update_fields=["status", "reject_reason", "decided_at", "updated_at"])
    notify(
        "hours.claim_rejected",
        recipients=[claim.teacher.user_id],
        context={"title": claim.title, "step": step_label, "reason": reason},
        url=_claim_url(claim),
        target=claim,
    )
    return claim


HOURS_SETTING_KEYS = ("hours_cycle_start_year", "claim_chain")


def _hours_requirement_set(*, actor: Scope, school: School, period: str, target: int, current: Requirement | None) -> None:
    """One 学时 target as the school's requirement on `hours.total` (0 switches it off)."""
    from xiaoben.requirements.services import requirement_create, requirement_update

    if current is not None:
        if target > 0:
            if current.threshold != target:
                requirement_update(
                    actor=actor, requirement=current, expected_version=current.version, threshold=target, name=_hours_name(period, target)
                )
        else:
            requirement_update(actor=actor, requirement=current, expected_version=current.version, active=False)
    elif target > 0:
        requirement_create(
            actor=actor, school=school, name=_hours_name(period, target), metric="hours.total", period=period, threshold=target, order=90
        )


def _hours_name(period: str, target: int) -> str:
    return f"{'每年' if period == Period.YEAR else '五年周期'}学时不少于{target}学时"


@transaction.atomic
def hours_settings_update(
    *, actor: Scope, school: School, year_target: int, cycle_target: int, cycle_start_year: int, chain: list[str]
) -> School:
    """The 学时 targets are the school's requirements on `hours.total` (每年 and 五年周期: the
    engine, the ledger, the home card and 考核 read them); the cycle's first year and the claim
    chain stay school settings (only these keys are touched)."""
    from .selectors import hours_requirements

    require(can.can_manage_school(actor, school.pk), "您没有修改本校学时设置的权限。")
    chain = [s for s in CHAIN_STEPS if s in chain]
    if not chain:
        raise ValidationError("审核流程至少要有一个环节。")
    if year_target < 0 or cycle_target < 0:
        raise ValidationError("学时要求不能为负数。")
    school = School.objects.select_for_update().get(pk=school.pk)
    school.settings = {**(school.settings or {}), "hours_cycle_start_year": cycle_start_year, "claim_chain": chain}
    school.save(update_fields=["settings"])
    current = hours_requirements([school.pk])[school.pk]
    _hours_requirement_set(actor=actor, school=school, period=Period.YEAR, target=year_target, current=current.get(Period.YEAR))
    _hours_requirement_set(actor=actor, school=school, period=Period.FIVE_YEAR, target=cycle_target, current=current.get(Period.FIVE_YEAR))
    return school
