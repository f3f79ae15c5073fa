"""Comparison of the region's schools: sortable table, chart, drill-down, .xlsx."""

import json

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from xiaoben.core.decorators import require_perm
from xiaoben.core.exporters import export_response
from xiaoben.core.scope import scope_for
from xiaoben.org.selectors import term_window, today

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
    "projects",
    "achievements",
    "behind_any",
}


@require_perm("region:read")
def compare(request):
    scope = scope_for(request.user)
    start, end = term_window()
    data = comparison.compare(scope, start=start, end=end, year=today().year)
    sort = request.GET.get("sort", "")
    desc = sort.startswith("-")
    key = sort.lstrip("-")
    if key in SORTABLE or (key.startswith("req_") and key in (data["rows"][0] if data["rows"] else {})):
        data["rows"].sort(key=lambda r: r[key], reverse=desc)
    # each number links to its aggregate: one reverse for the page, not one per cell (200 schools × 12)
    base = reverse("region:compare_cell", args=[0, "x"]).removesuffix("0/x/")
    for r in data["rows"]:
        r["cell"] = f"{base}{r['school'].pk}/"
    return render(
        request,
        "region/compare.html",
        {
            **data,
            "start": start,
            "end": end,
            "sort": sort,
            "hours_url": reverse("hours:region"),
            "visit_url": reverse("region:visit_create"),
            "chart_json": json.dumps(comparison.chart_option(data["rows"]), ensure_ascii=False),
        },
    )


@require_perm("region:read")
def compare_cell(request, school_id: int, measure: str):
    scope = scope_for(request.user)
    known = measure in comparison.DRILLABLE or measure.startswith("req-")
    if not known or not (scope.is_platform_admin or school_id in scope.region_school_ids):
        raise Http404
    school = selectors.region_schools(scope).get(pk=school_id)
    return render_cell(request, school, measure)


def render_cell(request, school, measure: str, **extra):
    """The aggregate behind one number of a comparison (the region's or an alliance's):
    counts by month and kind, or a small table — never a teacher's record."""
    if measure not in comparison.DRILLABLE and not measure.startswith("req-"):
        raise Http404
    start, end = term_window()
    if measure in ("projects", "achievements", "requirements") or measure.startswith("req-"):
        table = comparison.breakdown_table(school, measure, start=start, end=end)
        if table is None:
            raise Http404
        return render(request, "region/compare_table.html", {"school": school, "table": table, "start": start, "end": end, **extra})
    rows = comparison.breakdown(school.pk, measure, start=start, end=end)
    return render(
        request,
        "region/compare_cell.html",
        {"school": school, "measure": measure, "rows": rows, "total": sum(r["n"] for r in rows), "start": start, "end": end, **extra},
    )


@require_perm("region:read")
def compare_export(request):
    return export_response(request, "region.comparison_xlsx", {})


@require_perm("region:read")
def compliance(request):
    """达标情况 of the region's schools against the district's requirements: per school and
    requirement the teachers met / on track / behind, and the teachers behind on any — the
    same kept counts as the comparison (one batch for the page's schools, never the engine
    once per school). Counts only; a school's own grid stays with the school."""
    from django.core.paginator import Paginator

    from .progress import region_progress, region_templates

    scope = scope_for(request.user)
    page = Paginator(list(selectors.region_schools(scope)), 50).get_page(request.GET.get("page"))
    schools = list(page.object_list)
    templates = region_templates(schools)
    behind_any: dict[int, set[int]] = {}
    counts = region_progress(schools, templates, behind_any=behind_any)
    rows = [
        {
            "school": s,
            "cells": [(counts[(s.pk, t.pk)], f"req-{t.pk}") for t in templates],
            "teachers": max((counts[(s.pk, t.pk)].total for t in templates), default=0),
            "behind_any": len(behind_any.get(s.pk, ())),
        }
        for s in schools
    ]
    return render(request, "region/compliance.html", {"page": page, "rows": rows, "templates": templates})
