"""Writes of 考核: schemes and items, generating and computing the sheets, and the flow
自评 → 组长审核 → 学校确认 (locked).

Every service a person calls takes the actor's `Scope` and checks it first (`predicates.py`):
school-admin actions answer `NotPermitted()` (404) to anyone else, 自评 and 审核 a Chinese
`NotPermitted("…")` (403). The rules of the flow are Chinese `ValidationError`s.
`scheme_compute`, `scheme_compute_one` and `sheets_refresh` have no human actor (called after
a checked write, or by the apps whose records a computed item reads)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone

from xiaoben.core.errors import require
from xiaoben.core.notifications import notify
from xiaoben.core.scope import Scope
from xiaoben.core.terms import require_term_open, term_is_closed
from xiaoben.core.validation import require_lengths
from xiaoben.org.models import School, Teacher, Term
from xiaoben.requirements.models import Requirement

from . import predicates as can
from . import sources
from .models import (
    AssessmentItem,
    AssessmentResult,
    AssessmentScheme,
    AssessmentScore,
    ItemSource,
    ResultStatus,
    SchemeStatus,
)
from .predicates import may_review

ONE = Decimal("0.1")
DEFAULT_ITEMS = [
    # (name, points, source, description)
    ("师德表现", 15, ItemSource.ENTERED, "遵守师德规范，由组长评定"),
    ("学生评教", 15, ItemSource.ENTERED, "学生评教得分折算"),
    ("研修学时", 20, ItemSource.HOURS, "本学期学时 ÷ 学期要求（年度要求的一半）× 分值，满分封顶"),
    ("教科研成果", 10, ItemSource.RESEARCH, "本学期已认定成果按学校奖励规则计分，满分封顶"),
]


__all__ = ["may_review"]  # re-exported: the result page asks it


@transaction.atomic
def scheme_create(*, actor: Scope, school: School, term: Term, name: str, with_defaults: bool = True) -> AssessmentScheme:
    """A term scheme; by default with 师德, 学生评教, 学时 and one item per requirement of the school."""
    require(can.can_manage(actor, school.pk))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "请填写方案名称。"})
    if term.school_id != school.pk:
        raise ValidationError("学期不属于本校。")
    require_term_open(term)
    if AssessmentScheme.objects.filter(school=school, term=term, name=name).exists():
        raise ValidationError({"name": "本学期已有同名方案。"})
    require_lengths([("方案名称", name, 100)])
    scheme = AssessmentScheme.objects.create(school=school, term=term, name=name, created_by_id=actor.user_id)
    if with_defaults:
        items = [
            AssessmentItem(scheme=scheme, name=n, points=Decimal(p), source=s, description=d, order=i)
            for i, (n, p, s, d) in enumerate(DEFAULT_ITEMS)
        ]
        for j, req in enumerate(_school_requirements(school)[:5]):
            items.append(
                AssessmentItem(
                    scheme=scheme,
                    name=req.name[:60],
                    points=Decimal(10),
                    source=ItemSource.REQUIREMENT,
                    requirement=req,
                    description="分值 × min(1, 完成/要求)",
                    order=10 + j,
                )
            )
        AssessmentItem.objects.bulk_create(items)
    return scheme


def _school_requirements(school: School) -> list[Requirement]:
    return list(Requirement.objects.filter(school=school, active=True).order_by("order", "id"))


def _editable(scheme: AssessmentScheme) -> None:
    require_term_open(scheme.term_id)
    if scheme.is_locked:
        raise ValidationError("考核方案已锁定，不能再修改。")


@transaction.atomic
def item_add(
    *,
    actor: Scope,
    scheme: AssessmentScheme,
    name: str,
    points: Decimal | int | str,
    source: str,
    requirement: Requirement | None = None,
    hours_target: Decimal | None = None,
    hours_category: str = "",
    description: str = "",
) -> AssessmentItem:
    require(can.can_manage(actor, scheme.school_id))
    _editable(scheme)
    if scheme.results.filter(status=ResultStatus.CONFIRMED).exists():
        raise ValidationError("已有考核结果被确认，不能再增加项目。")
    require_lengths([("项目名称", (name or "").strip(), 60), ("说明", description, 200)])
    item = AssessmentItem(
        scheme=scheme,
        name=(name or "").strip(),
        points=_dec(points, "分值"),
        source=source,
        requirement=requirement,
        hours_target=hours_target,
        hours_category=hours_category or "",
        description=description or "",
        order=(scheme.items.count() + 1) * 10,
    )
    if item.points <= 0 or item.points > 100:
        raise ValidationError({"points": "分值应在 0 到 100 之间。"})
    if source == ItemSource.REQUIREMENT and (requirement is None or requirement.school_id != scheme.school_id):
        raise ValidationError({"requirement": "请选择本校的一项量化要求。"})
    item.full_clean()
    item.save()
    if scheme.status == SchemeStatus.OPEN:
        results = list(scheme.results.exclude(status=ResultStatus.CONFIRMED))
        AssessmentScore.objects.bulk_create([AssessmentScore(result=r, item=item) for r in results])
        scheme_compute(scheme=scheme)
    return item


@transaction.atomic
def item_delete(*, actor: Scope, item: AssessmentItem) -> None:
    require(can.can_manage(actor, item.scheme.school_id))
    _editable(item.scheme)
    if item.scheme.results.filter(status=ResultStatus.CONFIRMED).exists():
        raise ValidationError("已有考核结果被确认，不能再删除项目。")
    scheme = item.scheme
    item.delete()
    _retotal(AssessmentResult.objects.filter(scheme=scheme))


def _dec(value: object, label: str) -> Decimal:
    try:
        d = Decimal(str(value)).quantize(ONE)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(f"{label}必须是数字。") from None
    if not d.is_finite():
        raise ValidationError(f"{label}必须是数字。")
    return d


@transaction.atomic
def scheme_open(*, actor: Scope, scheme: AssessmentScheme) -> int:
    """Make a sheet for every active teacher of the school and compute it. Returns the number made."""
    require(can.can_manage(actor, scheme.school_id))
    _editable(scheme)
    if not scheme.items.exists():
        raise ValidationError("请先添加考核项目。")
    have = set(scheme.results.values_list("teacher_id", flat=True))
    teachers = [t for t in Teacher.objects.filter(school_id=scheme.school_id, is_active=True).order_by("staff_no") if t.pk not in have]
    results = AssessmentResult.objects.bulk_create(
        [AssessmentResult(scheme=scheme, school_id=scheme.school_id, teacher=t) for t in teachers]
    )
    items = list(scheme.items.all())
    AssessmentScore.objects.bulk_create([AssessmentScore(result=r, item=i) for r in results for i in items])
    if scheme.status == SchemeStatus.DRAFT:
        scheme.status = SchemeStatus.OPEN
        scheme.save(update_fields=["status", "updated_at"])
    scheme_compute(scheme=scheme)
    if teachers:
        notify(
            "assessment.opened",
            recipients=[t.user_id for t in teachers],
            context={"term": scheme.term.name, "scheme": scheme.name},
            url=reverse("assessment:index"),
            target=scheme,
        )
    return len(teachers)


def scheme_recompute(*, actor: Scope, scheme: AssessmentScheme) -> int:
    """重新计分 asked by a school admin (the page's button, the API)."""
    require(can.can_manage(actor, scheme.school_id))
    return scheme_compute(scheme=scheme)


@transaction.atomic
def scheme_compute(*, scheme: AssessmentScheme) -> int:
    """(Re)compute the computed items of every sheet not yet confirmed, from the records.
    A fixed number of queries for the whole school. A closed term's results stay as they were:
    asking to recompute them is refused with the reason. No actor: called after checked writes
    (opening, adding an item, confirming) and by `sheets_refresh`; people go through
    `scheme_recompute`."""
    require_term_open(scheme.term_id)
    if scheme.is_locked:
        return 0
    items = list(scheme.items.select_related("requirement"))
    results = list(scheme.results.exclude(status=ResultStatus.CONFIRMED).select_related("teacher"))
    if not results:
        return 0
    teachers = [r.teacher for r in results]
    evidence = sources.compute(scheme, items, teachers)
    by_item = {i.pk: i for i in items}
    scores = list(AssessmentScore.objects.filter(result__in=results, item__in=items))
    teacher_of = {r.pk: r.teacher_id for r in results}
    for s in scores:
        item = by_item[s.item_id]
        if item.is_computed:
            ev = evidence.get((teacher_of[s.result_id], s.item_id))
            if ev is None:
                s.done, s.required, s.score, s.evidence, s.evidence_url = None, None, Decimal(0), "暂无数据", ""
            else:
                s.done, s.required = ev.done.quantize(ONE), ev.required.quantize(ONE)
                s.score = sources.points_for(item.points, ev.done, ev.required)
                s.evidence, s.evidence_url = ev.text[:300], (ev.url or "")[:200]
        else:
            s.score = _entered_score(s)
    AssessmentScore.objects.bulk_update(scores, ["done", "required", "score", "evidence", "evidence_url"])
    _retotal(AssessmentResult.objects.filter(pk__in=[r.pk for r in results]), computed=True)
    return len(results)


def _entered_score(s: AssessmentScore) -> Decimal:
    """The leader's mark counts; until they give one, the self-assessed mark stands."""
    if s.review_score is not None:
        return s.review_score
    return s.self_score if s.self_score is not None else Decimal(0)


def _retotal(results_qs: QuerySet[AssessmentResult], computed: bool = False) -> None:
    totals = dict(
        AssessmentScore.objects.filter(result__in=results_qs)
        .order_by()
        .values("result_id")
        .annotate(t=Sum("score"))
        .values_list("result_id", "t")
    )
    rows = list(results_qs)
    now = timezone.now()
    for r in rows:
        r.total = Decimal(totals.get(r.pk) or 0).quantize(ONE)
        if computed:
            r.computed_at = now
    AssessmentResult.objects.bulk_update(rows, ["total", "computed_at"] if computed else ["total"])


def _locked_result(result: AssessmentResult) -> AssessmentResult:
    result = AssessmentResult.objects.select_for_update().select_related("scheme", "teacher").get(pk=result.pk)
    require_term_open(result.scheme.term_id)
    if result.scheme.is_locked or result.is_locked:
        raise ValidationError("考核结果已确认锁定，不能再修改。")
    return result


def _scores_in(result: AssessmentResult, values: dict[int, Any], field: str) -> list[AssessmentScore]:
    """Apply {item_id: score} to the entered items of `result` (computed items are never typed in)."""
    scores = list(result.scores.select_related("item"))
    for s in scores:
        if s.item.is_computed or s.item_id not in values:
            continue
        raw = values[s.item_id]
        if raw in (None, ""):
            setattr(s, field, None)
            continue
        v = _dec(raw, f"「{s.item.name}」的分数")
        if v < 0 or v > s.item.points:
            raise ValidationError(f"「{s.item.name}」的分数应在 0 到 {s.item.points} 之间。")
        setattr(s, field, v)
        s.score = _entered_score(s)
    return scores


@transaction.atomic
def result_self_assess(
    *, actor: Scope, result: AssessmentResult, scores: dict[int, Any], comment: str = "", submit: bool = True
) -> AssessmentResult:
    """The teacher's 自评: marks for the entered items and a short summary."""
    require(can.can_self_assess(actor, result), "只能自评自己的考核表。")
    result = _locked_result(result)
    if result.status != ResultStatus.SELF:
        raise ValidationError("自评已提交，等待审核。")
    require_lengths([("自评小结", (comment or "").strip(), 2000)])  # refused, not cut (the API and the page alike)
    rows = _scores_in(result, scores, "self_score")
    AssessmentScore.objects.bulk_update(rows, ["self_score", "score"])
    result.self_comment = (comment or "").strip()
    if submit:
        result.status = ResultStatus.REVIEW
    result.save(update_fields=["self_comment", "status", "updated_at"])
    _retotal(AssessmentResult.objects.filter(pk=result.pk))
    return result


@transaction.atomic
def result_review(*, actor: Scope, result: AssessmentResult, scores: dict[int, Any], comment: str = "") -> AssessmentResult:
    require(may_review(actor, result), "您不能审核这份考核表。")
    result = _locked_result(result)
    if result.status not in (ResultStatus.REVIEW, ResultStatus.CONFIRM):
        raise ValidationError("教师尚未提交自评。")
    require_lengths([("组长意见", (comment or "").strip(), 2000)])
    rows = _scores_in(result, scores, "review_score")
    AssessmentScore.objects.bulk_update(rows, ["review_score", "score"])
    result.review_comment = (comment or "").strip()
    result.status, result.reviewed_by_id = ResultStatus.CONFIRM, actor.user_id
    result.save(update_fields=["review_comment", "status", "reviewed_by", "updated_at"])
    _retotal(AssessmentResult.objects.filter(pk=result.pk))
    return result


@transaction.atomic
def result_return(*, actor: Scope, result: AssessmentResult, reason: str) -> AssessmentResult:
    """Send a sheet back to the teacher for another 自评 (a reason is required)."""
    require(may_review(actor, result), "您不能审核这份考核表。")
    result = _locked_result(result)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("退回时请填写理由。")
    result.status, result.review_comment = ResultStatus.SELF, reason[:2000]
    result.save(update_fields=["status", "review_comment", "updated_at"])
    notify(
        "assessment.returned",
        recipients=[result.teacher.user_id],
        context={"scheme": result.scheme.name, "reason": reason[:100]},
        url=reverse("assessment:result", args=[result.pk]),
        target=result,
    )
    return result


@transaction.atomic
def result_confirm(*, actor: Scope, result: AssessmentResult) -> AssessmentResult:
    """学校确认: the sheet is computed one last time and then locked."""
    require(can.can_manage(actor, result.school_id))
    result = _locked_result(result)
    if result.status != ResultStatus.CONFIRM:
        raise ValidationError("组长审核后才能确认。")
    scheme_compute_one(result)
    result.status, result.confirmed_by_id, result.confirmed_at = ResultStatus.CONFIRMED, actor.user_id, timezone.now()
    result.save(update_fields=["status", "confirmed_by", "confirmed_at", "updated_at"])
    notify(
        "assessment.confirmed",
        recipients=[result.teacher.user_id],
        context={"scheme": result.scheme.name, "total": result.total},
        url=reverse("assessment:result", args=[result.pk]),
        target=result,
    )
    return result


def scheme_compute_one(result: AssessmentResult) -> None:
    """One sheet's computed items, from the records (no actor: after a checked write)."""
    scheme = result.scheme
    items = list(scheme.items.select_related("requirement"))
    evidence = sources.compute(scheme, items, [result.teacher])
    scores = list(result.scores.select_related("item"))
    for s in scores:
        if s.item.is_computed:
            ev = evidence.get((result.teacher_id, s.item_id))
            if ev is not None:
                s.done, s.required = ev.done.quantize(ONE), ev.required.quantize(ONE)
                s.score = sources.points_for(s.item.points, ev.done, ev.required)
                s.evidence, s.evidence_url = ev.text[:300], (ev.url or "")[:200]
    AssessmentScore.objects.bulk_update(scores, ["done", "required", "score", "evidence", "evidence_url"])
    _retotal(AssessmentResult.objects.filter(pk=result.pk), computed=True)
    result.refresh_from_db(fields=["total", "computed_at"])


def sheets_refresh(*, school_id: int, teacher_ids: Iterable[int] | None = None, days: Iterable[date | None] | None = None) -> int:
    """A record a computed item reads has changed (an achievement verified or returned, the reward
    rules saved): recompute the sheets of these teachers (all, when None) in the school's open
    schemes whose term holds one of `days` (any term, when None). Confirmed sheets, locked schemes
    and closed terms stay as they were. Called by the apps above (research) inside their write,
    which checked its own actor: no actor here."""
    if teacher_ids is None and days is None:  # the whole school: one pass per scheme, a fixed number of queries
        return sum(scheme_compute(scheme=sc) for sc in AssessmentScheme.objects.filter(school_id=school_id, status=SchemeStatus.OPEN))
    results = AssessmentResult.objects.filter(school_id=school_id, scheme__status=SchemeStatus.OPEN).exclude(status=ResultStatus.CONFIRMED)
    if teacher_ids is not None:
        results = results.filter(teacher_id__in=list(teacher_ids))
    if days is not None:
        known = [d for d in days if d is not None]
        if not known:
            return 0
        in_term = Q()
        for d in known:
            in_term |= Q(scheme__term__start_date__lte=d, scheme__term__end_date__gte=d)
        results = results.filter(in_term)
    n = 0
    closed: dict[int, bool] = {}
    for r in results.select_related("scheme", "teacher"):
        if closed.setdefault(r.scheme.term_id, term_is_closed(r.scheme.term_id)):
            continue
        scheme_compute_one(r)
        n += 1
    return n


@transaction.atomic
def scheme_lock(*, actor: Scope, scheme: AssessmentScheme) -> AssessmentScheme:
    """Lock the whole scheme: every sheet is final, nothing is edited after."""
    require(can.can_manage(actor, scheme.school_id))
    scheme = AssessmentScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.is_locked:
        raise ValidationError("考核方案已锁定。")
    pending = scheme.results.exclude(status=ResultStatus.CONFIRMED).count()
    if pending:
        raise ValidationError(f"还有 {pending} 份考核表未确认，全部确认后才能锁定。")
    scheme.status, scheme.locked_at = SchemeStatus.LOCKED, timezone.now()
    scheme.save(update_fields=["status", "locked_at", "updated_at"])
    return scheme


@transaction.atomic
def scheme_confirm_reviewed(*, actor: Scope, scheme: AssessmentScheme) -> int:
    """学校确认 for every sheet the leaders have reviewed, computed one last time."""
    require(can.can_manage(actor, scheme.school_id))
    _editable(scheme)
    scheme_compute(scheme=scheme)
    qs = scheme.results.filter(status=ResultStatus.CONFIRM)
    users = list(qs.values_list("teacher__user_id", flat=True))
    n = qs.update(status=ResultStatus.CONFIRMED, confirmed_by_id=actor.user_id, confirmed_at=timezone.now())
    if users:
        notify(
            "assessment.confirmed_all", recipients=users, context={"scheme": scheme.name}, url=reverse("assessment:index"), target=scheme
        )
    return n
