"""Bench figures of the requirements app: the school's compliance grid."""

from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure


def grid_floor(env: BenchEnv):
    """Every number of the grid for the whole school, one grouped query per kind of record."""
    sid, s, e = env.school.pk, env.term.start_date, env.term.end_date
    took_place = "('held', 'recorded', 'archived')"
    return [
        ("SELECT id, name FROM org_teacher WHERE school_id = %s AND is_active ORDER BY staff_no", [sid]),
        (
            "SELECT observer_id, COUNT(*) FROM observations_observation WHERE school_id = %s AND status = 'submitted'"
            " AND deleted_at IS NULL AND lesson_date BETWEEN %s AND %s GROUP BY observer_id",
            [sid, s, e],
        ),
        (
            "SELECT author_id, kind, written_on, COUNT(*), SUM(char_count) FROM writings_writing WHERE school_id = %s"
            " AND status <> 'draft' AND deleted_at IS NULL AND written_on BETWEEN %s AND %s GROUP BY author_id, kind, written_on",
            [sid, s, e],
        ),
        (
            "SELECT t.teacher_id, a.kind, t.role, COUNT(*) FROM activities_attendance t JOIN activities_activity a ON a.id = t.activity_id"
            f" WHERE a.school_id = %s AND a.status IN {took_place} AND a.starts_at >= %s AND a.starts_at < %s"
            " GROUP BY t.teacher_id, a.kind, t.role",
            [sid, s, e],
        ),
        (
            "SELECT teacher_id, SUM(hours) FROM hours_hourentry WHERE school_id = %s AND deleted_at IS NULL"
            " AND date BETWEEN %s AND %s GROUP BY teacher_id",
            [sid, s, e],
        ),
    ]


figure(
    key="requirements.grid",
    label="达标看板（600人学校，校长）",
    persona="principal",
    url=lambda env: reverse("requirements:grid"),
    floor=grid_floor,
    target_ms=300,
)
