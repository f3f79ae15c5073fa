"""Home card: this year's 学时 against the target (two aggregate queries)."""

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from .selectors import ledger_summary


def cards(request, scope, term):
    if scope.teacher is None:
        return []
    return [HomeCard("hours/_home_card.html", {"summary": ledger_summary(scope.teacher, today().year)}, order=40)]
