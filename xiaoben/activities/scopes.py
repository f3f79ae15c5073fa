"""Who sees activities: the school's staff see their school's activities; a 教研员
sees regional activities of their region and the school activities of region schools
(aggregates and published records). Refine here, nowhere else."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import Activity, Attendance


@scope_rule(Activity)
def _activities(scope, qs):
    cond = (
        Q(school_id__in=scope.member_school_ids) | Q(attendances__teacher_id=scope.teacher_id)
        if scope.teacher_id
        else Q(school_id__in=scope.member_school_ids)
    )
    if scope.region_ids:
        cond |= Q(region_id__in=scope.region_ids) | Q(school_id__in=scope.region_school_ids)
    return qs.filter(cond).distinct()


@scope_rule(Attendance)
def _attendances(scope, qs):
    cond = Q(activity__school_id__in=scope.member_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    if scope.region_ids:
        cond |= Q(activity__region_id__in=scope.region_ids)
    return qs.filter(cond)
