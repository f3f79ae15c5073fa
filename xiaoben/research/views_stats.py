"""The school's achievements (list, statistics, charts, export, import, reward rules) and
the district's comparison of its schools (教研员: aggregates only)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from xiaoben.core.decorators import require_perm
from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import get_object_for_user
from xiaoben.org.models import School
from xiaoben.org.selectors import today

from . import exports, importer, selectors
from . import services_achievements as svc
from .forms import ImportForm, RuleFormSet
from .models import AchievementKind, AchievementStatus, Level, Rank


def _admin_school(request) -> School:
    scope = scope_for(request.user)
    sid = scope.school_id
    if sid is None or not scope.can("research:manage", sid):
        raise Http404
    return get_object_for_user(scope, School, pk=sid)


def _charts(stats: dict) -> dict:
    levels = [str(lb) for _, lb in Level.choices]
    kinds = [(str(label), counts) for label, _k, counts, total in stats["rows"] if total]
    by_level = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},
        "grid": {"left": 40, "right": 10, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": levels},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"name": k, "type": "bar", "stack": "all", "data": c} for k, c in kinds],
    }
    by_year = {
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 40, "right": 10, "top": 20, "bottom": 30},
        "xAxis": {"type": "category", "data": [f"{y}年" for y, _n in stats["years"]]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "bar", "data": [n for _y, n in stats["years"]], "barMaxWidth": 40}],
    }
    return {"by_level": json.dumps(by_level, ensure_ascii=False), "by_year": json.dumps(by_year, ensure_ascii=False)}


@require_perm("research:manage")
def school(request):
    """The school's list (with the pending queue), statistics by kind, level and year."""
    sch = _admin_school(request)
    scope = scope_for(request.user)
    f = selectors.AchievementFilter.from_query(request.GET)
    qs = selectors.school_achievements(scope, sch.pk, f)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    stats = selectors.achievement_stats(sch.pk, f)
    return render(
        request,
        "research/school.html",
        {
            "school": sch,
            "page": page,
            "filter": f,
            "query": f.query(),
            "stats": stats,
            "charts": _charts(stats),
            "pending": selectors.pending_count(sch.pk),
            "kinds": AchievementKind.choices,
            "levels": Level.choices,
            "statuses": AchievementStatus.choices,
        },
    )


@require_perm("research:manage")
def school_export(request):
    sch = _admin_school(request)
    f = selectors.AchievementFilter.from_query(request.GET)
    name, mime, data = exports.achievements_xlsx(actor=scope_for(request.user), school_id=sch.pk, flt=f)
    resp = HttpResponse(data, content_type=mime)
    from urllib.parse import quote

    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return resp


@require_perm("research:manage")
def import_view(request):
    sch = _admin_school(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = importer.achievements_import(actor=scope_for(request.user), school=sch, upload=form.cleaned_data["file"])
        if not result.errors:
            messages.success(request, f"导入完成：新增 {result.created} 项，重复跳过 {result.skipped} 项。")
            return redirect("research:school")
    return render(request, "research/import.html", {"form": form, "result": result, "columns": importer.COLUMNS.values()})


@require_perm("research:manage")
def rules(request):
    """The school's 成果奖励办法 as rows; saving recomputes every verified credit's points."""
    sch = _admin_school(request)
    existing = selectors.reward_rules(sch)
    if not existing and request.method != "POST":
        initial = [{"kind": "", "level": lv, "rank": rk, "points": p} for lv, rk, p in svc.DEFAULT_RULES]
        suggested = True
    else:
        initial = [{"kind": r.kind, "level": r.level, "rank": r.rank, "points": r.points} for r in existing]
        suggested = False
    formset = RuleFormSet(request.POST or None, initial=initial, prefix="r")
    if request.method == "POST" and formset.is_valid():
        rows = [fd for fd in formset.cleaned_data if fd and fd.get("level") and fd.get("points") is not None and not fd.get("DELETE")]
        try:
            svc.reward_rules_replace(actor=scope_for(request.user), school=sch, rows=rows)
        except ValidationError as e:
            messages.error(request, "；".join(e.messages))
        else:
            messages.success(request, f"已保存 {len(rows)} 条奖励规则，已认定成果的积分已重新计算。")
            return redirect("research:rules")
    return render(request, "research/rules.html", {"formset": formset, "suggested": suggested, "ranks": Rank.choices})


@require_perm("region:read")
def region(request):
    """The district's comparison: 在研课题 by level and this year's verified achievements by school."""
    scope = scope_for(request.user)
    now = today()
    try:
        year = int(request.GET.get("year") or now.year)
    except ValueError:
        year = now.year
    rows = selectors.region_comparison(scope, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    names = [r["school"]["short_name"] or r["school"]["name"] for r in rows]
    chart = {
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "bottom": 0},  # one line: on a phone a wrapped legend covered the school names
        "grid": {"left": 40, "right": 10, "top": 20, "bottom": 60},
        "xAxis": {"type": "category", "data": names, "axisLabel": {"interval": 0, "rotate": 30 if len(names) > 4 else 0}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "在研课题", "type": "bar", "data": [r["projects_total"] for r in rows]},
            {"name": f"{year}年认定成果", "type": "bar", "data": [r["achievements_total"] for r in rows]},
            {"name": "市级以上获奖人次", "type": "bar", "data": [r["city_up_persons"] for r in rows]},
        ],
    }
    return render(
        request,
        "research/region.html",
        {
            "rows": rows,
            "levels": Level.choices,
            "year": year,
            "years": list(range(now.year, now.year - 5, -1)),
            "chart": json.dumps(chart, ensure_ascii=False),
        },
    )
