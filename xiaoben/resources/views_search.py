"""全站搜索: resources and the records a person may read, through the door."""

from __future__ import annotations

import datetime as dt

from django.http import JsonResponse
from django.shortcuts import render

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.org.choices import GRADE_NAMES

from . import search as search_service
from . import selectors
from .forms import SUBJECTS
from .models import Edition, ResourceKind

PER_PAGE = 20


def _date(v):
    try:
        return dt.date.fromisoformat(v) if v else None
    except ValueError:
        return None


def search_page(request):
    """Open to anonymous visitors too: they find public resources only."""
    scope = scope_for(request.user)
    g = request.GET
    q = g.get("q", "").strip()[:100]
    f = search_service.Filters(
        category=g.get("cat", "") if g.get("cat") in dict(search_service.categories()) else "",
        kind=g.get("kind", "")[:30],
        subject=g.get("subject", "")[:20],
        grade=int_param(g.get("grade")),
        edition=g.get("edition", "") if g.get("edition") in Edition.values else "",
        school_id=int_param(g.get("school")),
        since=_date(g.get("since")),
        until=_date(g.get("until")),
    )
    page_no = max(1, int_param(g.get("page")) or 1)
    result = search_service.search(scope, q, f, offset=(page_no - 1) * PER_PAGE, limit=PER_PAGE) if q else None
    schools = selectors.search_schools(scope)
    params = g.copy()
    params.pop("page", None)
    return render(
        request,
        "resources/search.html",
        {
            "q": q,
            "f": f,
            "result": result,
            "page_no": page_no,
            "has_next": bool(result and ((result.more and len(result.results) == PER_PAGE) or result.total > page_no * PER_PAGE)),
            "base_params": params.urlencode(),
            "cat_params": "&".join(f"{k}={v}" for k, v in params.items() if k != "cat"),
            "kinds": ResourceKind.choices,
            "editions": Edition.choices,
            "subjects": SUBJECTS,
            "grades": list(GRADE_NAMES.items()),
            "categories": search_service.categories(),
            "schools": schools,
        },
    )


def suggest(request):
    """Titles for the search box's datalist (JSON), through the same door."""
    q = request.GET.get("q", "").strip()[:50]
    return JsonResponse({"suggestions": search_service.suggest(scope_for(request.user), q) if q else []})
