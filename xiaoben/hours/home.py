"""Home card: this year's 学时 against the target (three aggregate queries)."""

from django.db.models import Count, Q

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from .models import ClaimStatus
from .selectors import claims_for_teacher, ledger_summary


def cards(request, scope, term):
    if scope.teacher is None:
        return []
    claims = claims_for_teacher(scope).aggregate(
        rejected=Count("id", filter=Q(status=ClaimStatus.REJECTED)), pending=Count("id", filter=Q(status=ClaimStatus.PENDING))
    )
    return [HomeCard("hours/_home_card.html", {"summary": ledger_summary(scope.teacher, today().year), "claims": claims}, order=40)]
