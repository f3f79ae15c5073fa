"""Reads of 考核: schemes, ranked results, a teacher's sheet, the review queue."""

from __future__ import annotations

from django.db.models import F, QuerySet, Window
from django.db.models.functions import Rank

from xiaoben.core.tenancy import visible_to

from .models import AssessmentResult, AssessmentScheme, ResultStatus


def scheme_list(*, user, school_id: int | None) -> QuerySet[AssessmentScheme]:
    qs = visible_to(user, AssessmentScheme).select_related("term__school_year", "school")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.order_by("-term__start_date", "-id")


def ranked_results(*, user, scheme: AssessmentScheme) -> QuerySet[AssessmentResult]:
    """Every sheet of the scheme with its 名次 (ties share a rank), computed in SQL."""
    return (
        visible_to(user, AssessmentResult)
        .filter(scheme=scheme)
        .select_related("teacher")
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("-total", "teacher__staff_no")
    )


def my_results(teacher) -> QuerySet[AssessmentResult]:
    return (
        AssessmentResult.objects.filter(teacher=teacher).select_related("scheme__term__school_year").order_by("-scheme__term__start_date")
    )


def review_queue(*, scope, user) -> QuerySet[AssessmentResult]:
    """Sheets waiting for this person's 审核: a leader's group members, or the whole school for admins."""
    qs = visible_to(user, AssessmentResult).filter(status=ResultStatus.REVIEW, scheme__status="open")
    if scope.teacher_id:
        qs = qs.exclude(teacher_id=scope.teacher_id)
    if not (scope.is_platform_admin or scope.admin_school_ids):
        qs = qs.filter(scope.led_members_filter("teacher_id"))
    return qs.select_related("teacher", "scheme").order_by("teacher__staff_no")


def sheet(result: AssessmentResult):
    return list(result.scores.select_related("item__requirement").order_by("item__order", "item_id"))
