"""Who sees 考核.

- AssessmentScheme: members of the school (teachers see their school's scheme and items).
- AssessmentResult / AssessmentScore: the teacher their own; leaders the members of the
  groups they lead (for 组长审核); school admins their school's. 教研员 see none."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import AssessmentItem, AssessmentResult, AssessmentScheme, AssessmentScore


@scope_rule(AssessmentScheme)
def _schemes(scope, qs):
    return qs.filter(school_id__in=scope.member_school_ids)


@scope_rule(AssessmentItem)
def _items(scope, qs):
    return qs.filter(scheme__school_id__in=scope.member_school_ids)


def _result_q(scope, prefix: str = "") -> Q:
    cond = Q(**{f"{prefix}school_id__in": scope.admin_school_ids})
    if scope.teacher_id:
        cond |= Q(**{f"{prefix}teacher_id": scope.teacher_id})
        if scope.led_group_ids:
            cond |= Q(**{f"{prefix}school_id": scope.teacher.school_id}) & scope.led_members_filter(f"{prefix}teacher_id")
    return cond


@scope_rule(AssessmentResult)
def _results(scope, qs):
    return qs.filter(_result_q(scope))


@scope_rule(AssessmentScore)
def _scores(scope, qs):
    return qs.filter(_result_q(scope, "result__"))
