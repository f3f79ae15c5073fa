"""Growth views: a teacher's observations over terms, and who observes whom.
Each function answers in a fixed number of queries, whatever the number of rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Avg, Count, F

from xiaoben.core.scope import scope_for
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, Teacher

from .models import Observation, ObservationScore, ObservationStatus


def _term_name(start_year: int, number: int) -> str:
    return f"{start_year}-{start_year + 1}学年{'第一学期' if number == 1 else '第二学期'}"


def can_view_growth(user, teacher: Teacher) -> bool:
    """The teacher, leaders of the teacher's groups, and the school's admins."""
    scope = scope_for(user)
    if scope.is_self(teacher.pk) or scope.admin_of(teacher.school_id):
        return True
    return scope.leads(teacher.pk)


def teacher_growth(*, user, teacher: Teacher) -> dict:
    """Per term: observations given and received, average points by dimension (百分制)."""
    visible = visible_to(user, Observation).filter(status=ObservationStatus.SUBMITTED)
    term_keys = ("term_id", "term__start_date", "term__school_year__start_year", "term__number")
    terms: dict[int, dict] = {}

    def term_row(r):
        return terms.setdefault(
            r["term_id"],
            {
                "id": r["term_id"],
                "start": r["term__start_date"],
                "name": _term_name(r["term__school_year__start_year"], r["term__number"]),
                "given": 0,
                "received": 0,
                "avg_total": None,
                "dims": {},
            },
        )

    for r in visible.filter(observer=teacher).values(*term_keys).annotate(n=Count("id")).order_by():
        term_row(r)["given"] = r["n"]
    for r in visible.filter(teacher=teacher).values(*term_keys).annotate(n=Count("id"), avg=Avg("total")).order_by():
        row = term_row(r)
        row["received"] = r["n"]
        row["avg_total"] = round(Decimal(r["avg"]), 1) if r["avg"] is not None else None
    dims: list[str] = []
    score_rows = (
        ObservationScore.objects.filter(observation__in=visible.filter(teacher=teacher).values("pk"))
        .values(
            "observation__term_id",
            "observation__term__start_date",
            "observation__term__school_year__start_year",
            "observation__term__number",
            "item__dimension",
        )
        .annotate(avg=Avg(F("points") * 100 / F("item__max_points")), first=Avg("item__order"))
        .order_by("first")
    )
    for r in score_rows:
        row = term_row({k.replace("observation__", ""): v for k, v in r.items()})
        row["dims"][r["item__dimension"]] = round(Decimal(r["avg"]), 1)
        if r["item__dimension"] not in dims:
            dims.append(r["item__dimension"])
    ordered = sorted(terms.values(), key=lambda t: t["start"])
    return {"terms": ordered, "dimensions": dims}


def growth_charts(growth: dict) -> dict:
    """ECharts options: a radar of the latest term by dimension and lines over terms."""
    terms, dims = growth["terms"], growth["dimensions"]
    scored = [t for t in terms if t["dims"]]
    radar = None
    if scored and dims:
        series = [{"name": t["name"], "value": [float(t["dims"].get(d, 0)) for d in dims]} for t in scored[-2:]]
        radar = {
            "tooltip": {},
            "legend": {"bottom": 0, "data": [s["name"] for s in series]},
            "radar": {"indicator": [{"name": d, "min": 50, "max": 100} for d in dims], "radius": "55%", "axisName": {"fontSize": 11}},
            "series": [{"type": "radar", "data": series}],
        }
    line = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0, "type": "scroll"},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 60},
        "xAxis": {"type": "category", "data": [t["name"].replace("学年", "\n") for t in terms]},
        "yAxis": {"type": "value", "min": 50, "max": 100},
        "series": [
            {"name": d, "type": "line", "connectNulls": True, "data": [float(t["dims"][d]) if d in t["dims"] else None for t in terms]}
            for d in dims
        ],
    }
    counts = {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 40, "right": 16, "top": 24, "bottom": 60},
        "xAxis": {"type": "category", "data": [t["name"].replace("学年", "\n") for t in terms]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "听课", "type": "bar", "data": [t["given"] for t in terms]},
            {"name": "被听课", "type": "bar", "data": [t["received"] for t in terms]},
        ],
    }
    return {"radar": radar, "line": line if dims else None, "counts": counts}


def matrix_groups(user) -> list[Group]:
    """Groups whose matrix this person may open: all of the school's for admins, the led ones for leaders."""
    scope = scope_for(user)
    qs = Group.objects.filter(is_active=True)
    if scope.is_platform_admin:
        pass
    elif scope.admin_school_ids:
        qs = qs.filter(school_id__in=scope.admin_school_ids)
    else:
        qs = qs.filter(pk__in=scope.led_group_ids)
    return list(qs.order_by("kind", "name"))


def observe_matrix(*, user, term, group: Group | None) -> dict:
    """谁听了谁的课: rows are observers, columns the observed, cells the count this term;
    plus who has not been observed (by anyone) this term."""
    if group is not None:
        members = list(Teacher.objects.filter(memberships__group=group, is_active=True).order_by("subject", "staff_no"))
    else:
        members = list(Teacher.objects.filter(school_id=term.school_id, is_active=True).order_by("subject", "staff_no"))
    ids = [t.pk for t in members]
    visible = visible_to(user, Observation).filter(status=ObservationStatus.SUBMITTED, term=term)
    cells: dict[tuple[int, int], int] = {}
    for r in visible.filter(observer_id__in=ids, teacher_id__in=ids).values("observer_id", "teacher_id").annotate(n=Count("id")).order_by():
        cells[(r["observer_id"], r["teacher_id"])] = r["n"]
    received = dict(visible.filter(teacher_id__in=ids).values_list("teacher_id").annotate(n=Count("id")).order_by())
    given = dict(visible.filter(observer_id__in=ids).values_list("observer_id").annotate(n=Count("id")).order_by())
    rows = [{"teacher": o, "given": given.get(o.pk, 0), "cells": [cells.get((o.pk, t.pk), 0) for t in members]} for o in members]
    for t in members:
        t.received_count = received.get(t.pk, 0)
    return {
        "members": members,
        "rows": rows,
        "not_observed": [t for t in members if not received.get(t.pk)],
        "pairs": len(cells),
    }
