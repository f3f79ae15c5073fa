"""Bench figures of the region app: the 教研员's workspace and the comparison of schools
(every school of the district: 200 in the large set), each beside hand-written SQL that
computes the same numbers."""

from __future__ import annotations

from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure
from xiaoben.org.selectors import today

SCHOOLS = "(SELECT id FROM org_school WHERE region_id = %s)"
TOOK_PLACE = "('held', 'recorded', 'archived')"


def _window():
    from xiaoben.org.selectors import term_window

    return term_window()


def _tally_floor(region: int, start, end, measures: list[str]) -> list:
    """The kept per-school tallies of the term's measures and the year's 学时, the active
    teachers per school, and per school the teachers whose kept yearly 学时 reach the target."""
    import datetime as dt

    from xiaoben.requirements.kept import _key

    year = today().year
    lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return [
        (
            f"SELECT school_id, measure, data FROM region_schooltally WHERE school_id IN {SCHOOLS}"
            " AND ((measure = ANY(%s) AND starts_on = %s AND ends_on = %s) OR (measure = 'hours' AND starts_on = %s AND ends_on = %s))",
            [region, measures, start, end, lo, hi],
        ),
        (f"SELECT id, school_id FROM org_teacher WHERE school_id IN {SCHOOLS} AND is_active", [region]),
        (
            "SELECT t.school_id, COUNT(*) FROM requirements_keptvalue v JOIN requirements_keptseries s ON s.id = v.series_id"
            f" JOIN org_teacher t ON t.id = v.teacher_id AND t.school_id = s.school_id WHERE s.key = %s AND s.school_id IN {SCHOOLS}"
            " AND t.is_active AND v.value >= 24 GROUP BY t.school_id",
            [_key("hours.total", {}, lo, hi, None), region],
        ),
    ]


def workspace_floor(env: BenchEnv):
    """Schools with this term's activities, 学时 and region requirements behind, regional
    activities with sign-ins, this week's region shares, open visits."""
    region = env.school.region_id
    start, end = _window()
    week = today().toordinal() - 7
    import datetime as dt

    since = dt.date.fromordinal(week)
    return [
        ("SELECT id, name, short_name FROM org_school WHERE region_id = %s ORDER BY name", [region]),
        *_tally_floor(region, start, end, ["activities"]),
        *_kept_floor(region, env),
        (
            "SELECT a.id, a.title, a.starts_at, COUNT(t.id) FILTER (WHERE t.status = 'present') FROM activities_activity a"
            " LEFT JOIN activities_attendance t ON t.activity_id = a.id WHERE a.region_id = %s"
            " AND a.starts_at >= %s AND a.starts_at < %s::date + 1 GROUP BY a.id ORDER BY a.starts_at",
            [region, start, end],
        ),
        (
            f"SELECT id, title, school_id, author_id, created_at FROM writings_writing WHERE school_id IN {SCHOOLS}"
            " AND visibility = 'region' AND status <> 'draft' AND deleted_at IS NULL AND created_at >= %s ORDER BY created_at DESC LIMIT 10",
            [region, since],
        ),
        (
            f"SELECT id, title, school_id, created_at FROM resources_resource WHERE school_id IN {SCHOOLS}"
            " AND visibility IN ('region', 'public') AND share_state = 'approved' AND deleted_at IS NULL AND created_at >= %s"
            " ORDER BY created_at DESC LIMIT 10",
            [region, since],
        ),
        (
            f"SELECT id, school_id, focus, status FROM region_schoolvisit WHERE school_id IN {SCHOOLS} AND status <> 'closed'"
            " ORDER BY visited_on DESC LIMIT 20",
            [region],
        ),
    ]


def _requirement_floor(region: int, term_start, term_end) -> list:
    """Teachers meeting each region requirement of the generated set, per school: one query
    per requirement (each teacher's count against the threshold, counted per school)."""
    met = (
        "SELECT t.school_id, COUNT(*), COUNT(*) FILTER (WHERE COALESCE(x.n, 0) >= %s) FROM org_teacher t"
        " LEFT JOIN ({inner}) x ON x.tid = t.id WHERE t.school_id IN " + SCHOOLS + " AND t.is_active GROUP BY t.school_id"
    )
    obs = (
        f"SELECT observer_id AS tid, COUNT(*) AS n FROM observations_observation WHERE school_id IN {SCHOOLS}"
        " AND status = 'submitted' AND deleted_at IS NULL AND lesson_date BETWEEN %s AND %s GROUP BY observer_id"
    )
    att = (
        "SELECT t.teacher_id AS tid, COUNT(DISTINCT t.id) AS n FROM activities_attendance t"
        " JOIN activities_activity a ON a.id = t.activity_id JOIN org_teacher o ON o.id = t.teacher_id"
        f" WHERE o.school_id IN {SCHOOLS} AND t.status = 'present' AND a.status IN {TOOK_PLACE}"
        " AND a.starts_at >= %s AND a.starts_at < %s::date + 1 GROUP BY t.teacher_id"
    )
    # 每月至少一篇反思: months met so far, per teacher
    ref = (
        "SELECT author_id AS tid, COUNT(DISTINCT date_trunc('month', written_on)) AS n FROM writings_writing"
        f" WHERE school_id IN {SCHOOLS} AND kind = 'reflection' AND status IN ('submitted', 'reviewed') AND NOT copy_hold"
        " AND deleted_at IS NULL AND written_on BETWEEN %s AND %s GROUP BY author_id"
    )
    window = [region, term_start, term_end]
    return [
        (met.format(inner=obs), [15, *window, region]),
        (met.format(inner=att), [8, *window, region]),
        (met.format(inner=ref), [5, *window, region]),
    ]


def _kept_floor(region: int, env: BenchEnv) -> list:
    """The same shares read from the kept values (what the pages read now): per requirement,
    per school, the teachers whose kept count reaches the bar (months met for the monthly
    one). The series are found by their key, as `requirements.kept` finds them."""
    from xiaoben.requirements.kept import _key

    start, end = env.term.start_date, env.term.end_date
    met = (
        "SELECT t.school_id, COUNT(*), COUNT(*) FILTER (WHERE COALESCE(x.n, 0) >= %s) FROM org_teacher t"
        " LEFT JOIN ({inner}) x ON x.tid = t.id WHERE t.school_id IN " + SCHOOLS + " AND t.is_active GROUP BY t.school_id"
    )
    total = (
        "SELECT v.teacher_id AS tid, SUM(v.value) AS n FROM requirements_keptvalue v JOIN requirements_keptseries s"
        " ON s.id = v.series_id WHERE s.key = %s GROUP BY v.teacher_id"
    )
    months = (
        "SELECT v.teacher_id AS tid, COUNT(*) FILTER (WHERE v.value >= 1) AS n FROM requirements_keptvalue v"
        " JOIN requirements_keptseries s ON s.id = v.series_id WHERE s.key = %s GROUP BY v.teacher_id"
    )
    return [
        (met.format(inner=total), [15, _key("observations.given", {}, start, end, None), region]),
        (met.format(inner=total), [8, _key("activities.attended", {}, start, end, None), region]),
        (met.format(inner=months), [5, _key("writings.count", {"kinds": ["reflection"]}, start, end, "month"), region]),
    ]


def compare_floor(env: BenchEnv):
    """Every number of the comparison for the district's schools, read as the page reads them:
    the kept per-school tallies (`region.tally`), the teachers, the kept 学时 totals, the kept
    requirement values, and 课题/成果 counted live."""
    region = env.school.region_id
    start, end = _window()
    return [
        ("SELECT id, name, short_name FROM org_school WHERE region_id = %s ORDER BY name", [region]),
        *_tally_floor(region, start, end, ["activities", "observations", "writings"]),
        *_kept_floor(region, env),
        (
            f"SELECT school_id, level, stage, COUNT(*) FROM research_researchproject WHERE school_id IN {SCHOOLS}"
            " AND deleted_at IS NULL AND stage IN ('approved', 'opened', 'midterm', 'extended', 'concluded')"
            " GROUP BY school_id, level, stage",
            [region],
        ),
        (
            f"SELECT school_id, level, COUNT(*) FROM research_achievement WHERE school_id IN {SCHOOLS} AND deleted_at IS NULL"
            " AND status = 'verified' AND date BETWEEN %s AND %s GROUP BY school_id, level",
            [region, start, end],
        ),
    ]


figure(
    key="region.workspace",
    label="区域工作台（全区学校，教研员）",
    persona="researcher",
    url=lambda env: reverse("region:home"),
    floor=workspace_floor,
    target_ms=1000,
)

figure(
    key="region.compare",
    label="学校对比（全区学校，含区域要求达标率，教研员）",
    persona="researcher",
    url=lambda env: reverse("region:compare"),
    floor=compare_floor,
    target_ms=1000,
)


def compliance_floor(env: BenchEnv):
    """The region's 达标情况: the schools and the kept shares of each district requirement."""
    region = env.school.region_id
    return [
        ("SELECT id, name, short_name FROM org_school WHERE region_id = %s ORDER BY name", [region]),
        *_kept_floor(region, env),
    ]


figure(
    key="region.compliance",
    label="区域达标情况（全区学校，区域要求，教研员）",
    persona="researcher",
    url=lambda env: reverse("region:compliance"),
    floor=compliance_floor,
    target_ms=1000,
)


def region_requirements_floor(env: BenchEnv):
    """The 区域统一要求 page: the district's templates of the 教研员's own region(s), and how many
    schools carry each (their active copies, found by `starter_key`)."""
    mine = (
        "SELECT id FROM requirements_requirement WHERE school_id IS NULL AND region_id IN"
        " (SELECT region_id FROM org_roleassignment WHERE user_id = %s AND region_id IS NOT NULL)"
    )
    uid = env.users["researcher"].pk
    return [
        (
            "SELECT id, name, metric, period, threshold, applies_to, active, version FROM requirements_requirement"
            f' WHERE id IN ({mine}) ORDER BY active DESC, "order", id',
            [uid],
        ),
        (
            "SELECT starter_key, COUNT(*) FROM requirements_requirement WHERE active"
            f" AND starter_key IN (SELECT 'region-' || id FROM ({mine}) t) GROUP BY starter_key",
            [uid],
        ),
    ]


figure(
    key="requirements.region",
    label="区域统一要求（全区学校采用情况，教研员）",
    persona="researcher",
    url=lambda env: reverse("requirements:region_manage"),
    floor=region_requirements_floor,
    target_ms=None,  # SPEC §7 names no bar for it: held to 2× its floor
)
