"""The 学时 ledger: a teacher sees their own; school admins their school's. Refine here."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import HourEntry


@scope_rule(HourEntry)
def _hours(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    return qs.filter(cond)
