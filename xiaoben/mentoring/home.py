"""Home card for a mentor or a mentee: their pair's progress this school year."""

from django.db.models import Q

from xiaoben.core.home import HomeCard
from xiaoben.org.selectors import today

from . import selectors
from .models import Mentorship
from .scopes import lead_school_ids


def cards(request, scope, term) -> list[HomeCard]:
    out = _lead_card(scope, term)
    if scope.teacher is None or term is None:
        return out
    tid = scope.teacher_id
    pairs = list(
        Mentorship.objects.filter(Q(mentor_id=tid) | Q(mentee_id=tid), school_year_id=term.school_year_id, is_active=True)
        .select_related("school", "mentor", "mentee")
        .order_by("mentee__staff_no")
    )
    if not pairs:
        return out
    bounds = selectors.year_bounds(term.school_year)
    progress, _, _ = selectors.progress_for(pairs, school_id=scope.teacher.school_id, school_year=term.school_year, bounds=bounds)
    selectors.attach_report_status(progress, bounds=bounds, today=today(), grace=selectors.grace_days(scope.teacher.school))
    return [*out, HomeCard(template="mentoring/_home_card.html", context={"progress": progress, "teacher_id": tid}, order=25)]


def _lead_card(scope, term) -> list[HomeCard]:
    """For the school's mentorship lead: how many pairs, and who is late with 月报表."""
    if term is None or term.school_id not in lead_school_ids(scope):
        return []
    pairs = list(
        Mentorship.objects.filter(school_id=term.school_id, school_year_id=term.school_year_id, is_active=True).select_related(
            "mentor", "mentee"
        )
    )
    if not pairs:
        return []
    from xiaoben.org.models import School

    school = School.objects.get(pk=term.school_id)
    progress = [selectors.PairProgress(pair=p) for p in pairs]
    selectors.attach_report_status(
        progress, bounds=selectors.year_bounds(term.school_year), today=today(), grace=selectors.grace_days(school)
    )
    late = [pp for pp in progress if pp.overdue_months]
    return [
        HomeCard(template="mentoring/_lead_card.html", context={"pairs": len(pairs), "late": late[:8], "late_count": len(late)}, order=60)
    ]
