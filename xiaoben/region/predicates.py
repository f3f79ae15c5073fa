"""Object permissions of the region app: plain functions of (scope, object)."""

from xiaoben.core.scope import Scope

from .models import SchoolVisit, VisitStatus


def can_view_visit(scope: Scope, visit: SchoolVisit) -> bool:
    return scope.is_platform_admin or visit.school_id in scope.region_school_ids or scope.admin_of(visit.school_id)


def can_visit_school(scope: Scope, school_id: int) -> bool:
    """A 教研员 visits the schools of their region."""
    return scope.is_platform_admin or (scope.can("region:activities") and school_id in scope.region_school_ids)


def can_edit_visit(scope: Scope, visit: SchoolVisit) -> bool:
    return can_visit_school(scope, visit.school_id) and visit.status != VisitStatus.CLOSED


def can_respond_visit(scope: Scope, visit: SchoolVisit) -> bool:
    return scope.admin_of(visit.school_id) and visit.status in (VisitStatus.OPEN, VisitStatus.ANSWERED)


def can_close_visit(scope: Scope, visit: SchoolVisit) -> bool:
    return can_visit_school(scope, visit.school_id) and visit.status == VisitStatus.ANSWERED
