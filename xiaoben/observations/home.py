"""Home card: this term's observations given and received, drafts, and (for
reviewers) open copied-feedback flags. A constant three queries."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q

from xiaoben.core.home import HomeCard
from xiaoben.core.tenancy import visible_to

from .models import FeedbackFlag, Observation, ObservationStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from xiaoben.core.scope import Scope
    from xiaoben.org.models import Term


def cards(request: HttpRequest, scope: Scope, term: Term | None) -> list[HomeCard]:
    if scope.teacher is None or term is None:
        return []
    tid = scope.teacher_id
    # Only rows with me on either side can count: two index lookups, not the school's whole term.
    counts = Observation.objects.filter(Q(observer_id=tid) | Q(teacher_id=tid), term=term).aggregate(
        given=Count("id", filter=Q(observer_id=tid) & Observation.COUNTED),
        received=Count("id", filter=Q(teacher_id=tid) & ~Q(observer_id=tid) & Observation.COUNTED),
        drafts=Count("id", filter=Q(observer_id=tid, status=ObservationStatus.DRAFT)),
    )
    latest = Observation.objects.counted().filter(teacher_id=tid).select_related("observer").order_by("-lesson_date", "-id").first()
    flags = 0
    if scope.is_group_leader or scope.is_school_admin:
        flags = visible_to(request.user, FeedbackFlag).filter(resolved_at__isnull=True).count()
    return [HomeCard("observations/_home_card.html", {**counts, "latest": latest, "flags": flags}, order=30)]
