"""Who sees the 学时 ledger and its claims.

- HourEntry: the teacher their own; school admins their school's.
- TrainingClaim: the teacher their own; school admins their school's; a 教研员 the
  claims of their region's schools once the claim has reached 区县审核.
- ImportBatch: school admins of that school."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import HourEntry, ImportBatch, TrainingClaim


@scope_rule(HourEntry)
def _hours(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    return qs.filter(cond)


@scope_rule(TrainingClaim)
def _claims(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    if scope.region_school_ids and scope.can("hours:approve_region"):
        cond |= Q(school_id__in=scope.region_school_ids, reached_region=True)
    return qs.filter(cond)


@scope_rule(ImportBatch)
def _imports(scope, qs):
    return qs.filter(school_id__in=scope.admin_school_ids)
