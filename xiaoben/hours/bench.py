"""Bench figures of the hours app: the region's 学时 comparison of its schools."""

from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure
from xiaoben.org.selectors import today


def region_floor(env: BenchEnv):
    year = today().year
    region = env.school.region_id
    schools = "(SELECT id FROM org_school WHERE region_id = %s)"
    lo, hi = f"{year}-01-01", f"{year}-12-31"
    return [
        (
            "SELECT school_id, SUM(hours), SUM(CASE WHEN category = 'school' THEN hours END),"
            " SUM(CASE WHEN category = 'region' THEN hours END), SUM(CASE WHEN category = 'online' THEN hours END),"
            " SUM(CASE WHEN category = 'central' THEN hours END) FROM hours_hourentry"
            f" WHERE school_id IN {schools} AND deleted_at IS NULL AND date BETWEEN %s AND %s GROUP BY school_id",
            [region, lo, hi],
        ),
        (f"SELECT school_id, COUNT(*) FROM org_teacher WHERE school_id IN {schools} AND is_active GROUP BY school_id", [region]),
        (
            "SELECT school_id, COUNT(*) FROM (SELECT school_id, teacher_id, SUM(hours) AS y FROM hours_hourentry"
            f" WHERE school_id IN {schools} AND deleted_at IS NULL AND date BETWEEN %s AND %s GROUP BY school_id, teacher_id) x"
            " WHERE y >= 24 GROUP BY school_id",
            [region, lo, hi],
        ),
    ]


figure(
    key="hours.region",
    label="区域学时对比（全区学校，教研员）",
    persona="researcher",
    url=lambda env: reverse("hours:region"),
    floor=region_floor,
    target_ms=1000,
)
