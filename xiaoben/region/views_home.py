"""The 教研员's workspace: regional activities, schools needing attention, what schools
shared with the region this week, visits and to-dos. A fixed number of queries."""

from django.http import Http404
from django.shortcuts import render

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import today

from . import selectors


@require_perm("region:read")
def workspace(request):
    scope = scope_for(request.user)
    if not scope.is_region_staff and not scope.is_platform_admin:
        raise Http404
    start, end = selectors.term_window()
    return render(
        request,
        "region/home.html",
        {
            "start": start,
            "end": end,
            "activities": list(selectors.regional_activities(scope, start=start, end=end)),
            "attention": selectors.school_attention(scope, start=start, end=end, year=today().year),
            "shared": selectors.shared_this_week(scope),
            "open_visits": list(selectors.visits(scope).exclude(status="closed")[:20]),
            "todos": list(selectors.visit_todos(scope)[:20]),
        },
    )
