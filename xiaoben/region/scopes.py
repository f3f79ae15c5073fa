"""Who sees a visit: the 教研员 of the region the school belongs to and the visited
school's admins. A lesson observed in a visit: those, plus the observed teacher."""

from django.db.models import Q

from xiaoben.core.tenancy import scope_rule

from .models import SchoolVisit, VisitLesson


def visit_condition(scope, prefix: str = "") -> Q:
    p = prefix
    return Q(**{f"{p}school_id__in": scope.region_school_ids}) | Q(**{f"{p}school_id__in": scope.admin_school_ids})


@scope_rule(SchoolVisit)
def _visits(scope, qs):
    return qs.filter(visit_condition(scope))


@scope_rule(VisitLesson)
def _lessons(scope, qs):
    cond = visit_condition(scope, "visit__")
    if scope.teacher_id:
        cond |= Q(teacher_id=scope.teacher_id)
    return qs.filter(cond)


from .models import Alliance  # noqa: E402


@scope_rule(Alliance)
def _alliances(scope, qs):
    """An alliance's profile: the 教研员 of the region above and the admins of its schools."""
    from xiaoben.org.models import School

    members = School.alliances.through.objects.filter(school_id__in=scope.admin_school_ids).values("region_id")
    return qs.filter(Q(region_id__in=scope.region_ids) | Q(region_id__in=members))
