"""Comparison of a region's schools (aggregates only — never a teacher's record).

`compare(scope, start, end, year)` answers in a fixed number of queries whatever the
number of schools: one grouped query per measure (plus the 学时 comparison's own three
and one per distinct target). `breakdown(...)` is the aggregate behind one number:
the same measure for one school, by month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from xiaoben.core.scope import Scope

from .selectors import region_schools

FLAGGED = ("flagged", "confirmed")

# key, label, unit — the columns of the table, the export and the drill-down
MEASURES = [
    ("teachers", _("教师"), ""),
    ("activities", _("活动"), _("次")),
    ("obs_per_teacher", _("人均听课"), _("节")),
    ("hours_per_teacher", _("人均学时"), ""),
    ("hours_met_share", _("学时达标率"), "%"),
    ("writings_per_teacher", _("人均文章"), _("篇")),
    ("copied_share", _("疑似/确认抄袭占比"), "%"),
    ("shared", _("共享到区域"), _("篇")),
]
DRILLABLE = {"activities", "observations", "writings", "shared", "copied"}


def _grouped(qs, *fields) -> dict:
    out: dict = {}
    for row in qs.order_by().values(*fields).annotate(n=Count("id")):
        key = tuple(row[f] for f in fields)
        out[key[0] if len(key) == 1 else key] = row["n"]
    return out


def _share(part: int | Decimal, whole: int) -> float:
    return round(float(part) * 100 / whole, 1) if whole else 0.0


def compare(scope: Scope, *, start: dt.date, end: dt.date, year: int) -> dict:
    from xiaoben.activities.models import Activity, ActivityKind
    from xiaoben.hours.selectors import region_hour_stats
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    schools = list(region_schools(scope))
    ids = [s.pk for s in schools]
    acts = _grouped(
        Activity.objects.filter(school_id__in=ids, starts_at__date__gte=start, starts_at__date__lte=end).exclude(status="cancelled"),
        "school_id",
        "kind",
    )
    obs = _grouped(Observation.objects.counted().filter(school_id__in=ids, lesson_date__gte=start, lesson_date__lte=end), "school_id")
    wr = {
        r["school_id"]: r
        for r in Writing.objects.filter(school_id__in=ids, written_on__gte=start, written_on__lte=end)
        .exclude(status="draft")
        .order_by()
        .values("school_id")
        .annotate(n=Count("id"), copied=Count("id", filter=Q(copy_state__in=FLAGGED)), shared=Count("id", filter=Q(visibility="region")))
    }
    hours = {r["school"].pk: r for r in region_hour_stats(school_ids=ids, year=year)}
    kinds = [(k, label) for k, label in ActivityKind.choices if any(key[1] == k for key in acts)]
    rows = []
    for s in schools:
        h = hours.get(s.pk, {})
        n = h.get("teachers", 0)
        w = wr.get(s.pk, {})
        by_kind = [acts.get((s.pk, k), 0) for k, _label in kinds]
        rows.append(
            {
                "school": s,
                "teachers": n,
                "activities": sum(by_kind),
                "by_kind": by_kind,
                "observations": obs.get(s.pk, 0),
                "obs_per_teacher": round(obs.get(s.pk, 0) / n, 1) if n else 0,
                "hours_per_teacher": float(h.get("average", 0)),
                "hours_met": h.get("met", 0),
                "hours_met_share": _share(h.get("met", 0), n),
                "hours_target": h.get("target"),
                "writings": w.get("n", 0),
                "writings_per_teacher": round(w.get("n", 0) / n, 1) if n else 0,
                "copied": w.get("copied", 0),
                "copied_share": _share(w.get("copied", 0), w.get("n", 0)),
                "shared": w.get("shared", 0),
            }
        )
    return {"rows": rows, "kinds": kinds}


def breakdown(school_id: int, measure: str, *, start: dt.date, end: dt.date) -> list[dict]:
    """The aggregate behind one number of the comparison: counts by month (and kind)."""
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    if measure == "activities":
        qs = Activity.objects.filter(school_id=school_id, starts_at__date__gte=start, starts_at__date__lte=end).exclude(status="cancelled")
        rows = qs.annotate(m=TruncMonth("starts_at")).order_by().values("m", "kind").annotate(n=Count("id")).order_by("m", "kind")
        from xiaoben.activities.models import ActivityKind

        labels = dict(ActivityKind.choices)
        return [{"month": r["m"], "label": labels.get(r["kind"], r["kind"]), "n": r["n"]} for r in rows]
    if measure == "observations":
        qs = Observation.objects.counted().filter(school_id=school_id, lesson_date__gte=start, lesson_date__lte=end)
        return [
            {"month": r["m"], "label": r["subject"] or "—", "n": r["n"]}
            for r in qs.annotate(m=TruncMonth("lesson_date"))
            .order_by()
            .values("m", "subject")
            .annotate(n=Count("id"))
            .order_by("m", "subject")
        ]
    qs = Writing.objects.filter(school_id=school_id, written_on__gte=start, written_on__lte=end).exclude(status="draft")
    if measure == "copied":
        qs = qs.filter(copy_state__in=FLAGGED)
    elif measure == "shared":
        qs = qs.filter(visibility="region")
    from xiaoben.writings.models import WritingKind

    kinds = dict(WritingKind.choices)
    return [
        {"month": r["m"], "label": kinds.get(r["kind"], r["kind"]), "n": r["n"]}
        for r in qs.annotate(m=TruncMonth("written_on")).order_by().values("m", "kind").annotate(n=Count("id")).order_by("m", "kind")
    ]


def chart_option(rows: list[dict]) -> dict:
    names = [r["school"].short_name or r["school"].name for r in rows]
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": {"left": 40, "right": 10, "bottom": 30, "top": 40},
        "xAxis": {"type": "category", "data": names},
        "yAxis": {"type": "value"},
        "series": [
            {"name": "人均听课", "type": "bar", "data": [r["obs_per_teacher"] for r in rows]},
            {"name": "人均文章", "type": "bar", "data": [r["writings_per_teacher"] for r in rows]},
            {"name": "学时达标率%", "type": "bar", "data": [r["hours_met_share"] for r in rows]},
        ],
    }
