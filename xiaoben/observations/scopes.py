"""Observations are private to the school: the observer and the observed teacher,
the leaders of the observed teacher's groups, and the school's admins. Refine here."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import Observation


@scope_rule(Observation)
def _observations(scope, qs):
    cond = Q(school_id__in=scope.admin_school_ids)
    if scope.teacher_id:
        cond |= Q(observer_id=scope.teacher_id) | Q(teacher_id=scope.teacher_id)
        if scope.led_group_ids:
            cond |= Q(school_id=scope.teacher.school_id, teacher__memberships__group_id__in=scope.led_group_ids)
    return qs.filter(cond).distinct()
