"""Home card: visits waiting on this person (a 教研员 closes answered ones; a school admin answers open ones)."""

from xiaoben.core.home import HomeCard

from .selectors import visit_todos


def cards(request, scope, term):
    if not (scope.is_region_staff or scope.is_school_admin):
        return []
    todos = list(visit_todos(scope)[:5])
    if not todos and not scope.is_region_staff:
        return []
    return [HomeCard("region/_home_card.html", {"todos": todos, "region_staff": scope.is_region_staff}, order=5)]
