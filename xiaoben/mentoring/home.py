"""Home card for a mentor or a mentee: their pair's progress this school year."""

from django.db.models import Q

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from . import selectors
from .models import Mentorship


def cards(request, scope, term) -> list[HomeCard]:
    if scope.teacher is None or term is None:
        return []
    tid = scope.teacher_id
    pairs = list(
        Mentorship.objects.filter(Q(mentor_id=tid) | Q(mentee_id=tid), school_year_id=term.school_year_id, is_active=True)
        .select_related("mentor", "mentee")
        .order_by("mentee__staff_no")
    )
    if not pairs:
        return []
    bounds = selectors.year_bounds(term.school_year)
    progress, _, _ = selectors.progress_for(pairs, school_id=scope.teacher.school_id, school_year=term.school_year, bounds=bounds)
    selectors.attach_report_status(progress, bounds=bounds, today=today(), grace=selectors.grace_days(scope.teacher.school))
    return [HomeCard(template="mentoring/_home_card.html", context={"progress": progress, "teacher_id": tid}, order=25)]
