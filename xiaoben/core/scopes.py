"""Visibility of core's own records."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import ReferenceText
from .scope import Scope, directory
from .tenancy import scope_rule


@scope_rule(ReferenceText)
def reference_texts_visible(scope: Scope, qs: QuerySet[Any]) -> QuerySet[Any]:
    """A school's library: its staff who review (admins, group leaders); a district's: its 教研员
    and the admins and leaders of its schools (they see what their writings are compared with)."""
    schools = set(scope.admin_school_ids)
    if scope.led_group_ids and scope.teacher is not None:
        schools.add(scope.teacher.school_id)
    q = Q(school_id__in=schools) | Q(region_id__in=scope.region_ids)
    if schools:
        regions: set[int] = set()
        for region_id in directory().school_region_ids(schools):
            regions.update(directory().region_chain(region_id))
        q |= Q(school__isnull=True, region_id__in=regions)
    return qs.filter(q)
