"""The 教研员's workspace: regional activities, schools needing attention, what schools
shared with the region this week, visits and to-dos. A fixed number of queries."""

from django.http import Http404
from django.shortcuts import render

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import term_window, today

from . import comparison, selectors


@require_perm("region:read")
def workspace(request):
    scope = scope_for(request.user)
    if not scope.is_region_staff and not scope.is_platform_admin:
        raise Http404
    start, end = term_window()
    subjects = scope.region_subjects  # a 学科教研员 (语文教研员…) sees their subject first
    activities = list(selectors.regional_activities(scope, start=start, end=end))
    attention = selectors.school_attention(scope, start=start, end=end, year=today().year)
    if subjects:
        for a in activities:
            a.subject = selectors.activity_subject(a, subjects)
        activities = comparison.subject_first(scope, activities, lambda a: a.subject)
        per_school = selectors.subject_teachers(scope, [r["school"].pk for r in attention])
        for r in attention:
            r["subject_teachers"] = per_school.get(r["school"].pk, 0)
    return render(
        request,
        "region/home.html",
        {
            "start": start,
            "end": end,
            "subjects": sorted(subjects),
            "activities": activities,
            "attention": attention,
            "groups": selectors.subject_groups(scope, start=start, end=end),
            "alliances": list(selectors.alliances(scope)[:12]),
            "shared": comparison.subject_first(scope, selectors.shared_this_week(scope), lambda x: x["subject"]),
            "open_visits": list(selectors.visits(scope).exclude(status="closed")[:20]),
            "todos": list(selectors.visit_todos(scope)[:20]),
        },
    )
