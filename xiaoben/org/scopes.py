"""Visibility of places and people. Names and groups are known within a school
and to the region's 教研员; personal data is filtered at display time
(`org.selectors.can_see_personal`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import scope_rule

from .models import CalendarDay, Group, GroupMembership, Region, RoleAssignment, School, SchoolYear, Teacher, TeacherHonour, Term


@scope_rule(Region)
def _regions(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs  # the region tree is public structure


@scope_rule(School)
def _schools(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(id__in=scope.readable_school_ids)


@scope_rule(SchoolYear)
def _school_years(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(Term)
def _terms(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(Teacher)
def _teachers(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(TeacherHonour)
def _honours(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(teacher__school_id__in=scope.readable_school_ids)


@scope_rule(Group)
def _groups(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.readable_school_ids)


@scope_rule(GroupMembership)
def _memberships(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(group__school_id__in=scope.readable_school_ids)


@scope_rule(RoleAssignment)
def _roles(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(Q(user_id=scope.user_id) | Q(school_id__in=scope.admin_school_ids))


@scope_rule(CalendarDay)
def _calendar_days(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    return qs.filter(school_id__in=scope.readable_school_ids)
