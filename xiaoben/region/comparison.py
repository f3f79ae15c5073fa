"""Comparison of a region's schools (aggregates only — never a teacher's record).

`compare(scope, start, end, year)` answers in a fixed number of queries whatever the
number of schools: one grouped query per measure (plus the 学时 comparison's own three
and one per distinct target, and the region requirements' handful plus one per
requirement: `requirements.region_progress`). `breakdown(...)` is the aggregate behind
one number: the same measure for one school, by month (by level and stage, by status and
subject) — never a teacher's record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _

from xiaoben.core.scope import Scope

from .selectors import region_schools

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
DRILLABLE = {"activities", "observations", "writings", "shared", "copied", "projects", "achievements", "requirements"}
# 课题 counted as 在研 (approved, not concluded or withdrawn) and 结题; 成果 once verified.
PROJECT_STAGES = ("approved", "opened", "midterm", "extended", "concluded")


def _grouped(qs, *fields) -> dict:
    out: dict = {}
    for row in qs.order_by().values(*fields).annotate(n=Count("id")):
        key = tuple(row[f] for f in fields)
        out[key[0] if len(key) == 1 else key] = row["n"]
    return out


def _share(part: int | Decimal, whole: int) -> float:
    return round(float(part) * 100 / whole, 1) if whole else 0.0


def _research(ids: list[int], start: dt.date, end: dt.date) -> tuple[dict, dict]:
    """{(school, level, stage): n} of 课题 and {(school, level): n} of verified 成果 in the
    period. Two GROUP BYs."""
    from xiaoben.research.models import Achievement, ResearchProject

    proj = _grouped(ResearchProject.objects.filter(school_id__in=ids, stage__in=PROJECT_STAGES), "school_id", "level", "stage")
    ach = _grouped(Achievement.objects.counted().filter(school_id__in=ids, date__gte=start, date__lte=end), "school_id", "level")
    return proj, ach


def subject_first(scope: Scope, items, subject_of) -> list:
    """A 学科教研员's subject first (stable: the order within each part is kept)."""
    items = list(items)
    subjects = scope.region_subjects
    if not subjects:
        return items
    return sorted(items, key=lambda x: 0 if (subject_of(x) or "") in subjects else 1)


def hour_stats(schools: list, tallied: dict[int, dict], year: int) -> dict[int, dict]:
    """{school_id: {"teachers", "total", "average", "met", "target"}}: what
    `hours.selectors.region_hour_stats` answers for the comparison, from the kept 学时 tallies
    (`tally.counts(..., {"hours": year})`) and the kept per-teacher totals. Two queries (the
    active teachers, the kept totals' reads) whatever the number of schools."""
    from xiaoben.hours.selectors import ONE_PLACE, ZERO, targets_for_schools
    from xiaoben.org.models import Teacher
    from xiaoben.requirements import kept
    from xiaoben.requirements.registry import get_metric

    target = {sid: t.year for sid, t in targets_for_schools(schools, year).items()}
    active = list(Teacher.objects.filter(school_id__in=list(target), is_active=True).values_list("id", "school_id"))
    heads: dict[int, int] = {}
    for _tid, sid in active:
        heads[sid] = heads.get(sid, 0) + 1
    wanted = [sid for sid, t in target.items() if t > 0]
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    totals = kept.values(get_metric("hours.total"), school_ids=wanted, start=start, end=end) if wanted else {}
    met = {sid: heads.get(sid, 0) for sid, t in target.items() if t <= 0}  # a target of 0 is met by every teacher
    for tid, sid in active:
        if target[sid] > 0 and totals.get(tid, ZERO) >= target[sid]:
            met[sid] = met.get(sid, 0) + 1
    out = {}
    for sid, t in target.items():
        n = heads.get(sid, 0)
        total = Decimal(str(tallied.get(sid, {}).get("total", "0"))).quantize(ONE_PLACE)
        out[sid] = {
            "teachers": n,
            "total": total,
            "average": (total / n).quantize(ONE_PLACE) if n else ZERO,
            "met": met.get(sid, 0),
            "target": t,
        }
    return out


def compare(scope: Scope, *, start: dt.date, end: dt.date, year: int, schools=None) -> dict:
    """Every measure for `schools` (default: the scope's region; an alliance passes its members).

    The counts of records (activities, 听课, writings, 学时) come from the kept per-school
    tallies (`region.tally`: recomputed only for the schools whose records changed), the
    shares of teachers from the kept per-teacher values (`requirements.kept`)."""
    from xiaoben.activities.models import ActivityKind
    from xiaoben.region.progress import region_progress, region_templates
    from xiaoben.research.models import Level

    from . import tally

    schools = list(region_schools(scope)) if schools is None else list(schools)
    ids = [s.pk for s in schools]
    kept = tally.counts(
        ids,
        {
            "activities": (start, end),
            "observations": (start, end),
            "writings": (start, end),
            "hours": (dt.date(year, 1, 1), dt.date(year, 12, 31)),
        },
    )
    acts = {(sid, k): n for sid, d in kept["activities"].items() for k, n in d.items()}
    obs = {sid: d.get("n", 0) for sid, d in kept["observations"].items()}
    wr = kept["writings"]
    hours = hour_stats(schools, kept["hours"], year)
    kinds = [(k, label) for k, label in ActivityKind.choices if any(key[1] == k for key in acts)]
    templates = region_templates(schools)
    subjects = scope.region_subjects
    behind_any: dict[int, set[int]] = {}
    progress = region_progress(schools, templates, by_subject=bool(subjects), behind_any=behind_any)
    proj, ach = _research(ids, start, end)
    levels = list(Level.choices)
    subj = _subject_measures(ids, subjects, start, end) if subjects else {}
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
                "requirements": [
                    {"counts": progress[(s.pk, r.pk)], "share": progress[(s.pk, r.pk)].met_share, "measure": f"req-{r.pk}"}
                    for r in templates
                ],
                "behind_any": len(behind_any.get(s.pk, ())),  # teachers behind on at least one region requirement
                "behind_any_share": _share(len(behind_any.get(s.pk, ())), n),
                "projects_by_level": [sum(proj.get((s.pk, lv, st), 0) for st in PROJECT_STAGES[:-1]) for lv, _l in levels],
                "projects_concluded": sum(proj.get((s.pk, lv, "concluded"), 0) for lv, _l in levels),
                "achievements_by_level": [ach.get((s.pk, lv), 0) for lv, _l in levels],
            }
        )
        row = rows[-1]
        row["projects"] = sum(row["projects_by_level"])
        row["achievements"] = sum(row["achievements_by_level"])
        row["achievements_city_up"] = sum(row["achievements_by_level"][:3])
        for i, c in enumerate(row["requirements"]):
            row[f"req_{i}"] = c["share"]
        if subjects:
            row["subject"] = _subject_row(s.pk, n, subj, [progress[(s.pk, r.pk)] for r in templates], subjects)
    columns = [{"name": t.name, "sort": f"req_{i}", "requirement": t} for i, t in enumerate(templates)]
    return {"rows": rows, "kinds": kinds, "templates": columns, "levels": levels, "subjects": sorted(subjects)}


def _subject_measures(ids: list[int], subjects, start: dt.date, end: dt.date) -> dict:
    """For a 学科教研员: per school, the subject's teachers, its groups' activities and the
    lessons observed in it this term. Three GROUP BYs."""
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation
    from xiaoben.org.models import Teacher

    subjects = list(subjects)
    return {
        "teachers": _grouped(Teacher.objects.filter(school_id__in=ids, is_active=True, subject__in=subjects), "school_id"),
        "activities": _grouped(
            Activity.objects.filter(
                school_id__in=ids, group__subject__in=subjects, starts_at__date__gte=start, starts_at__date__lte=end
            ).exclude(status="cancelled"),
            "school_id",
        ),
        "observations": _grouped(
            Observation.objects.filter(
                school_id__in=ids, subject__in=subjects, status="submitted", lesson_date__gte=start, lesson_date__lte=end
            ),
            "school_id",
        ),
    }


def _subject_row(school_id: int, _all: int, subj: dict, counts: list, subjects) -> dict:
    n = subj["teachers"].get(school_id, 0)
    obs = subj["observations"].get(school_id, 0)
    shares = []
    for c in counts:
        parts = [v for k, v in c.by_subject.items() if k in subjects]
        met, total = sum(p[0] for p in parts), sum(sum(p) for p in parts)
        shares.append(_share(met, total))
    return {
        "teachers": n,
        "activities": subj["activities"].get(school_id, 0),
        "observations": obs,
        "obs_per_teacher": round(obs / n, 1) if n else 0,
        "requirements": shares,
    }


def breakdown(school_id: int, measure: str, *, start: dt.date, end: dt.date) -> list[dict]:
    """The aggregate behind one number of the comparison: counts by month (and kind)."""
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation

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
    from xiaoben.writings.models import WritingKind
    from xiaoben.writings.selectors import school_writing_breakdown

    kinds = dict(WritingKind.choices)
    only = measure if measure in ("copied", "shared") else ""
    return [
        {"month": m, "label": kinds.get(kind, kind), "n": n}
        for m, kind, n in school_writing_breakdown(school_id=school_id, start=start, end=end, only=only)
    ]


def breakdown_table(school, measure: str, *, start: dt.date, end: dt.date) -> dict | None:
    """The aggregate behind a 课题, 成果 or region-requirement number, as a small table:
    {"title", "head": [...], "rows": [[label, n, …]], "foot": [...]}. None: no such measure."""
    from xiaoben.research.models import Achievement, AchievementKind, Level, Stage

    levels = list(Level.choices)
    if measure == "projects":
        proj, _ach = _research([school.pk], start, end)
        stages = [(st, label) for st, label in Stage.choices if st in PROJECT_STAGES]
        rows = [[str(label), *[proj.get((school.pk, lv, st), 0) for st, _l in stages]] for lv, label in levels]
        return {
            "title": _("课题（按级别与阶段）"),
            "head": [_("级别"), *[str(lb) for _s, lb in stages]],
            "rows": rows,
            "foot": _totals(rows),
        }
    if measure == "achievements":
        qs = Achievement.objects.counted().filter(school_id=school.pk, date__gte=start, date__lte=end)
        got = _grouped(qs, "level", "kind")
        kinds = [(k, label) for k, label in AchievementKind.choices if any(key[1] == k for key in got)]
        rows = [[str(label), *[got.get((lv, k), 0) for k, _l in kinds]] for lv, label in levels]
        return {
            "title": _("成果与荣誉（本学期已认定，按级别与类别）"),
            "head": [_("级别"), *[str(lb) for _k, lb in kinds]],
            "rows": rows,
            "foot": _totals(rows),
        }
    if measure == "requirements":  # every district requirement for this school
        from xiaoben.region.progress import region_progress, region_templates

        templates = region_templates([school])
        behind_any: dict[int, set[int]] = {}
        got = region_progress([school], templates, behind_any=behind_any)
        rows = [[t.name, *(lambda c: [c.met, c.on_track, c.behind, c.total])(got[(school.pk, t.pk)])] for t in templates]
        return {
            "title": _("区域要求达标情况"),
            "head": [_("区域要求"), _("达标"), _("进行中"), _("落后"), _("人数")],
            "rows": rows,
            "foot": [],
            "summary": _("有落后项的教师：%(n)s 人") % {"n": len(behind_any.get(school.pk, ()))},
            "note": _("按区域要求计算（学校可提高，不可降低）；只显示人数，不显示教师个人。"),
        }
    if measure.startswith("req-") and measure[4:].isdigit():
        from xiaoben.region.progress import region_progress, region_templates

        template = next((t for t in region_templates([school]) if t.pk == int(measure[4:])), None)
        if template is None:
            return None
        c = region_progress([school], [template], by_subject=True)[(school.pk, template.pk)]
        rows = [[k or str(_("未填学科")), *v, sum(v)] for k, v in sorted(c.by_subject.items(), key=lambda kv: -sum(kv[1]))]
        return {
            "title": template.name,
            "head": [_("学科"), _("达标"), _("进行中"), _("落后"), _("人数")],
            "rows": rows,
            "foot": [c.met, c.on_track, c.behind, c.total],
            "note": _("按区域要求计算（学校可提高，不可降低）；只显示人数，不显示教师个人。"),
        }
    return None


def _totals(rows: list[list]) -> list[int]:
    return [sum(r[i] for r in rows) for i in range(1, len(rows[0]))] if rows else []


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
