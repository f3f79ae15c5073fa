"""Object permissions of the region app: plain functions of (scope, object)."""

from collections.abc import Iterable

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


# --- 教研联盟 ---------------------------------------------------------------------


def can_view_alliance(scope: Scope, alliance_id: int, member_ids: Iterable[int]) -> bool:
    """The region's 教研员 and the admins of the alliance's schools."""
    return scope.is_platform_admin or alliance_id in scope.region_ids or bool(scope.admin_school_ids & set(member_ids))


def can_edit_alliance(scope: Scope, alliance_id: int) -> bool:
    """Lead school, description: the 教研员 of the region above."""
    return scope.is_platform_admin or (scope.can("region:activities") and alliance_id in scope.region_ids)


def leads_alliance(scope: Scope, lead_school_id: int | None) -> bool:
    return lead_school_id is not None and scope.admin_of(lead_school_id)


def can_run_alliance(scope: Scope, alliance_id: int, lead_school_id: int | None) -> bool:
    """Alliance activities are run by the region's 教研员 and the lead school's admins."""
    return can_edit_alliance(scope, alliance_id) or leads_alliance(scope, lead_school_id)


def can_compare_alliance(scope: Scope, alliance_id: int, lead_school_id: int | None) -> bool:
    """The members' aggregates: the 教研员, and the lead school that guides the others."""
    return can_run_alliance(scope, alliance_id, lead_school_id)
