"""Bench figures of the observations app: a 教研组长's list of the term and its API."""

from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure
from xiaoben.core.scope import scope_for


def list_floor(env: BenchEnv, limit: int = 30):
    """Submitted observations of the term the leader may see: own, about them, about the groups they lead."""
    user = env.users["leader"]
    scope = scope_for(user)
    t = scope.teacher
    led = sorted(scope.led_group_ids) or [0]
    marks = ", ".join(["%s"] * len(led))
    where = (
        " FROM observations_observation o WHERE o.status = 'submitted' AND o.deleted_at IS NULL AND o.term_id = %s"
        " AND (o.observer_id = %s OR o.teacher_id = %s OR (o.school_id = %s AND o.teacher_id IN"
        f" (SELECT teacher_id FROM org_groupmembership WHERE group_id IN ({marks}))))"
    )
    params = [env.term.pk, t.pk, t.pk, t.school_id, *led]
    return [
        ("SELECT COUNT(*)" + where, params),
        (
            "SELECT o.id, o.lesson_date, o.kind, o.lesson_title, a.name, b.name FROM (SELECT o.id"
            + where
            + " ORDER BY o.lesson_date DESC, o.id DESC LIMIT %s) p JOIN observations_observation o ON o.id = p.id"
            " JOIN org_teacher a ON a.id = o.observer_id JOIN org_teacher b ON b.id = o.teacher_id",
            [*params, limit],
        ),
    ]


figure(
    key="observations.list",
    label="听课记录列表（教研组长，本学期全部）",
    persona="leader",
    url=lambda env: reverse("observations:list") + "?role=",
    floor=list_floor,
)
figure(
    key="observations.api",
    label="听课 API 列表（教研组长）",
    persona="leader",
    url=lambda env: f"/api/v1/observations/?term_id={env.term.pk}",
    floor=lambda env: list_floor(env, limit=50),
)
