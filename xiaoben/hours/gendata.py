"""gen_data: the 学时 the activity services would have credited — one entry per present
attendee of every 已记录 activity, by role (activities.services.DEFAULT_HOURS), made in SQL."""

from __future__ import annotations

from django.utils import timezone

from xiaoben.activities.models import Activity, Attendance
from xiaoben.activities.services import DEFAULT_HOURS, DEFAULT_HOURS_BY_KIND
from xiaoben.core.gendata import GenContext

from .models import HourEntry

ORDER = 60


def _hours_case() -> str:
    """CASE kind/role → hours, the same table `activities.services.hours_table` uses by default."""
    whens = []
    for kind, table in DEFAULT_HOURS_BY_KIND.items():
        for role, h in table.items():
            whens.append(f"WHEN a.kind = '{kind}' AND t.role = '{role}' THEN {h}")
    for role, h in DEFAULT_HOURS.items():
        whens.append(f"WHEN t.role = '{role}' THEN {h}")
    return "CASE " + " ".join(whens) + f" ELSE {DEFAULT_HOURS['participant']} END"


def generate(ctx: GenContext) -> None:
    ids = [gs.id for gs in ctx.schools]
    day = "CAST(a.starts_at AS date)" if ctx.writer.pg else "date(a.starts_at)"
    now = timezone.now()
    sql = (
        f"INSERT INTO {HourEntry._meta.db_table} "
        "(school_id, teacher_id, term_id, date, hours, category, source, activity_id, source_ref, description, created_at, updated_at) "
        f"SELECT a.school_id, t.teacher_id, a.term_id, {day}, {_hours_case()}, "
        "CASE WHEN a.kind = 'online' THEN 'online' WHEN a.kind IN ('regional', 'outside') THEN 'region' ELSE 'school' END, "
        "'activity', a.id, '', SUBSTR(a.title, 1, 200), %s, %s "
        f"FROM {Attendance._meta.db_table} t JOIN {Activity._meta.db_table} a ON a.id = t.activity_id "
        "WHERE t.status = 'present' AND a.status IN ('recorded', 'archived') AND a.school_id BETWEEN %s AND %s"
    )
    n = ctx.writer.execute(sql, [now, now, min(ids), max(ids)])
    ctx.writer.counts[HourEntry._meta.label] = ctx.writer.counts.get(HourEntry._meta.label, 0) + n
