"""Growth, who-observes-whom, copied-feedback flags, averages by linked activity."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from xiaoben.core.params import int_param
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import attach_references, get_object_for_user, visible_to
from xiaoben.org.models import Teacher
from xiaoben.org.selectors import current_term

from . import growth, selectors, services
from .models import FeedbackFlag
from .rubrics import DEFAULT_ITEMS


@login_required
def teacher_growth(request, teacher_id: int | None = None):
    scope = scope_for(request.user)
    if teacher_id is None:
        if scope.teacher is None:
            raise Http404
        teacher_id = scope.teacher_id
    teacher = get_object_for_user(request.user, Teacher, pk=teacher_id)
    if not growth.can_view_growth(request.user, teacher):
        raise Http404
    data = growth.teacher_growth(user=request.user, teacher=teacher)
    charts = growth.growth_charts(data)
    return render(
        request,
        "observations/growth.html",
        {
            "teacher": teacher,
            "growth": data,
            "radar_json": json.dumps(charts["radar"], ensure_ascii=False) if charts["radar"] else "",
            "line_json": json.dumps(charts["line"], ensure_ascii=False) if charts["line"] else "",
            "counts_json": json.dumps(charts["counts"], ensure_ascii=False),
        },
    )


@login_required
def matrix(request):
    """谁听了谁的课: a group's (leaders) or the school's (admins) matrix for a term."""
    scope = scope_for(request.user)
    groups = growth.matrix_groups(request.user)
    is_admin = bool(scope.admin_school_ids) or scope.is_platform_admin
    if not groups and not is_admin and scope.is_region_staff:
        return _region_stats(request, scope)
    if not groups and not is_admin:
        raise Http404
    group_id = int_param(request.GET.get("group"))
    group = next((g for g in groups if g.pk == group_id), None)
    if group_id and group is None:
        raise Http404
    if group is None and not is_admin:
        group = groups[0]
    school_id = group.school_id if group else scope.school_id
    if school_id is None:
        raise Http404
    terms = selectors.school_terms(school_id)
    term = next((t for t in terms if t.pk == int_param(request.GET.get("term"))), None) or current_term(school_id)
    if term is None:
        raise Http404
    data = growth.observe_matrix(user=request.user, term=term, group=group)
    return render(
        request,
        "observations/matrix.html",
        {"groups": groups, "group": group, "is_admin": is_admin, "terms": terms, "term": term, **data},
    )


@login_required
def flags(request):
    scope = scope_for(request.user)
    if not (scope.is_group_leader or scope.is_school_admin or scope.is_platform_admin):
        raise Http404
    show_all = request.GET.get("all") == "1"
    rows = attach_references(scope, selectors.flag_list(user=request.user, open_only=not show_all)[:200], "similar_to")
    return render(request, "observations/flags.html", {"flags": rows, "show_all": show_all})


@require_POST
@login_required
def flag_resolve(request, pk: int):
    flag = get_object_for_user(request.user, FeedbackFlag, pk=pk)
    services.flag_resolve(actor=scope_for(request.user), flag=flag)
    messages.success(request, "已标记为已核查。")
    return redirect("observations:flags")


@login_required
def activity_averages(request):
    """Observations linked to activities (公开课/研讨课/一课多研 rounds), by dimension."""
    scope = scope_for(request.user)
    if scope.school_id is None:
        raise Http404
    term = current_term(scope.school_id)
    term_id = int_param(request.GET.get("term")) or (term.pk if term else None)
    rows = selectors.activity_averages(user=request.user, term_id=term_id)
    known = list(dict.fromkeys(d for d, *_ in DEFAULT_ITEMS))
    present = {d for r in rows for d in r["dims"]}
    dims = [d for d in known if d in present] + sorted(present - set(known))
    chart = None
    if rows:
        chart = json.dumps(
            {
                "tooltip": {"trigger": "axis"},
                "legend": {"bottom": 0, "type": "scroll"},
                "grid": {"left": 40, "right": 16, "top": 24, "bottom": 60},
                "xAxis": {"type": "category", "data": [r["title"][:10] for r in rows]},
                "yAxis": {"type": "value", "min": 50, "max": 100},
                "series": [
                    {"name": d, "type": "line", "data": [float(r["dims"][d]) if d in r["dims"] else None for r in rows]} for d in dims
                ],
            },
            ensure_ascii=False,
        )
    for r in rows:
        r["dim_list"] = [r["dims"].get(d) for d in dims]
    from xiaoben.activities.models import LessonStudySeries

    series = list(
        visible_to(request.user, LessonStudySeries).filter(school_id=scope.school_id).select_related("group").order_by("-created_at")[:50]
    )
    return render(request, "observations/activities.html", {"rows": rows, "dims": dims, "chart": chart, "series": series})


@login_required
def series_detail(request, pk: int):
    """Round-by-round averages of a lesson-study series (activities.LessonStudySeries)."""
    from xiaoben.activities.models import LessonStudySeries

    series = get_object_for_user(
        request.user, LessonStudySeries, LessonStudySeries.objects.select_related("group", "term__school_year"), pk=pk
    )
    rounds = selectors.series_round_averages(user=request.user, series=series)
    known = list(dict.fromkeys(d for d, *_ in DEFAULT_ITEMS))
    present = {d for r in rounds for d in r["dims"]}
    dims = [d for d in known if d in present] + sorted(present - set(known))
    for r in rounds:
        r["dim_list"] = [r["dims"].get(d) for d in dims]
    chart = None
    if present:
        chart = json.dumps(
            {
                "tooltip": {"trigger": "axis"},
                "legend": {"bottom": 0, "type": "scroll"},
                "grid": {"left": 40, "right": 16, "top": 24, "bottom": 60},
                "xAxis": {"type": "category", "data": [f"第{r['number']}轮" for r in rounds]},
                "yAxis": {"type": "value", "min": 50, "max": 100},
                "series": [
                    {
                        "name": d,
                        "type": "line",
                        "connectNulls": True,
                        "data": [float(r["dims"][d]) if d in r["dims"] else None for r in rounds],
                    }
                    for d in dims
                ],
            },
            ensure_ascii=False,
        )
    return render(request, "observations/series.html", {"series": series, "rounds": rounds, "dims": dims, "chart": chart})


def _region_stats(request, scope):
    """教研员: the region's schools side by side (aggregates only, no teacher names)."""
    from xiaoben.org.selectors import region_schools, term_window

    from .models import ObservationKind

    start, end = term_window()
    rows = selectors.region_observation_stats(school_ids=region_schools(scope).values("id"), start=start, end=end)
    totals = {
        "teachers": sum(r["teachers"] for r in rows),
        "observations": sum(r["observations"] for r in rows),
        "observers": sum(r["observers"] for r in rows),
    }
    totals["per_teacher"] = round(totals["observations"] / totals["teachers"], 1) if totals["teachers"] else 0
    kinds = [label for _, label in ObservationKind.choices]
    shown = [i for i in range(len(kinds)) if any(r["by_kind"][i] for r in rows)]
    for r in rows:
        r["kind_counts"] = [r["by_kind"][i] for i in shown]
    return render(
        request,
        "observations/region_stats.html",
        {"rows": rows, "totals": totals, "kinds": [kinds[i] for i in shown], "start": start, "end": end},
    )
