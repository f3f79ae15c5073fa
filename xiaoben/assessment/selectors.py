"""Reads of 考核: schemes, ranked results, a teacher's sheet, the review queue."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Window
from django.db.models.functions import Rank

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Teacher
from xiaoben.requirements.models import Requirement

from . import predicates as can
from .models import AssessmentItem, AssessmentResult, AssessmentScheme, AssessmentScore, ResultStatus


def scheme_list(*, user: Viewer, school_id: int | None) -> QuerySet[AssessmentScheme]:
    qs = visible_to(user, AssessmentScheme).select_related("term__school_year", "school")
    if school_id:
        qs = qs.filter(school_id=school_id)
    return qs.order_by("-term__start_date", "-id")


def ranked_results(*, user: Viewer, scheme: AssessmentScheme) -> QuerySet[AssessmentResult]:
    """Every sheet of the scheme with its 名次 (ties share a rank), computed in SQL."""
    return (
        visible_to(user, AssessmentResult)
        .filter(scheme=scheme)
        .select_related("teacher")
        .annotate(rank=Window(Rank(), order_by=F("total").desc()))
        .order_by("-total", "teacher__staff_no")
    )


def my_results(teacher: Teacher) -> QuerySet[AssessmentResult]:
    return (
        AssessmentResult.objects.filter(teacher=teacher).select_related("scheme__term__school_year").order_by("-scheme__term__start_date")
    )


def review_queue(*, scope: Scope, user: Viewer) -> QuerySet[AssessmentResult]:
    """Sheets waiting for this person's 审核: a leader's group members, or the whole school for admins."""
    qs = visible_to(user, AssessmentResult).filter(status=ResultStatus.REVIEW, scheme__status="open")
    if scope.teacher_id:
        qs = qs.exclude(teacher_id=scope.teacher_id)
    if not (scope.is_platform_admin or scope.admin_school_ids):
        qs = qs.filter(scope.led_members_filter("teacher_id"))
    return qs.select_related("teacher", "scheme").order_by("teacher__staff_no")


def sheet(result: AssessmentResult) -> list[AssessmentScore]:
    return list(result.scores.select_related("item__requirement").order_by("item__order", "item_id"))


def result_for(user: Viewer, pk: int) -> AssessmentResult:
    """One sheet through the door (404 when out of reach), with what its pages show."""
    return get_object_for_user(
        user,
        AssessmentResult,
        AssessmentResult.objects.select_related("scheme__term__school_year", "teacher", "reviewed_by", "confirmed_by"),
        pk=pk,
    )


def scheme_for(user: Viewer, pk: int) -> AssessmentScheme:
    """One scheme through the door (404 when out of reach)."""
    return get_object_for_user(user, AssessmentScheme, AssessmentScheme.objects.select_related("term__school_year", "school"), pk=pk)


def managed_scheme(scope: Scope, pk: int) -> AssessmentScheme:
    """A scheme for its management page: the school's admins only (404 for anyone else)."""
    scheme = scheme_for(scope, pk)
    if not can.can_manage(scope, scheme.school_id):
        raise NotPermitted()
    return scheme


def scheme_item(scheme: AssessmentScheme, pk: int) -> AssessmentItem:
    item = scheme.items.filter(pk=pk).first()
    if item is None:
        raise NotPermitted()
    return item


def scheme_requirements(school_id: int) -> QuerySet[Requirement]:
    """The school's active requirements a 量化要求 item may name."""
    return Requirement.objects.filter(school_id=school_id, active=True).order_by("order", "id")


def status_counts(scheme: AssessmentScheme) -> dict[str, int]:
    counts = {s: 0 for s in ResultStatus.values}
    for status, n in scheme.results.order_by().values_list("status").annotate(n=Count("id")):
        counts[status] = n
    return counts
