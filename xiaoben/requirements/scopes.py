"""Requirements are the school's published rules: its staff read them; 教研员 read
those of their region's schools and the region's templates."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import scope_rule

from .models import Requirement


@scope_rule(Requirement)
def _requirements(scope: Scope, qs: QuerySet[Requirement]) -> QuerySet[Requirement]:
    cond = Q(school_id__in=scope.readable_school_ids)
    if scope.region_ids:
        cond |= Q(region_id__in=scope.region_ids)
    return qs.filter(cond)
