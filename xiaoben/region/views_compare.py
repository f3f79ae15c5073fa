"""Comparison of the region's schools: sortable table, chart, drill-down, .xlsx."""

import json

from django.http import Http404
from django.shortcuts import render

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import today

from . import comparison, selectors

SORTABLE = {
    "teachers",
    "activities",
    "obs_per_teacher",
    "hours_per_teacher",
    "hours_met_share",
    "writings_per_teacher",
    "copied_share",
    "shared",
}


@require_perm("region:read")
def compare(request):
    scope = scope_for(request.user)
    start, end = selectors.term_window()
    data = comparison.compare(scope, start=start, end=end, year=today().year)
    sort = request.GET.get("sort", "")
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key in SORTABLE:
        data["rows"].sort(key=lambda r: r[key], reverse=desc)
    return render(
        request,
        "region/compare.html",
        {
            **data,
            "start": start,
            "end": end,
            "sort": sort,
            "chart_json": json.dumps(comparison.chart_option(data["rows"]), ensure_ascii=False),
        },
    )


@require_perm("region:read")
def compare_cell(request, school_id: int, measure: str):
    scope = scope_for(request.user)
    if measure not in comparison.DRILLABLE or not (scope.is_platform_admin or school_id in scope.region_school_ids):
        raise Http404
    school = selectors.region_schools(scope).get(pk=school_id)
    start, end = selectors.term_window()
    rows = comparison.breakdown(school_id, measure, start=start, end=end)
    return render(
        request,
        "region/compare_cell.html",
        {"school": school, "measure": measure, "rows": rows, "total": sum(r["n"] for r in rows), "start": start, "end": end},
    )


@require_perm("region:read")
def compare_export(request):
    return export_response(request, "region.comparison_xlsx", {})
