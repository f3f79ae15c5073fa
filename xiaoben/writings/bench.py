"""Bench figures of the writings app: the shared list and its API, the copy check of one text."""

from django.urls import reverse

from xiaoben.core.bench import BenchEnv, figure

from .models import Writing


def shared_floor(env: BenchEnv, limit: int = 30):
    """What a teacher may read of others' writings (the scope rule, written by hand): the page and its count."""
    t = env.teacher()
    where = (
        " FROM writings_writing w WHERE w.deleted_at IS NULL AND w.status <> 'draft' AND w.author_id <> %s AND ("
        " (w.school_id = %s AND w.visibility IN ('school', 'region'))"
        " OR (w.visibility = 'region' AND w.school_id IN (SELECT id FROM org_school WHERE region_id = %s))"
        " OR (w.school_id = %s AND w.author_id IN (SELECT m.teacher_id FROM org_groupmembership m"
        "     WHERE m.group_id IN (SELECT group_id FROM org_groupmembership WHERE teacher_id = %s))))"
    )
    params = [t.pk, t.school_id, t.school.region_id, t.school_id, t.pk]
    return [
        ("SELECT COUNT(*)" + where, params),
        (
            "SELECT w.id, w.title, w.kind, w.written_on, w.char_count, a.name FROM (SELECT w.id"
            + where
            + " ORDER BY w.written_on DESC, w.id DESC LIMIT %s) p JOIN writings_writing w ON w.id = p.id"
            " JOIN org_teacher a ON a.id = w.author_id",
            [*params, limit],
        ),
    ]


def _writing(env: BenchEnv) -> Writing:
    if "writing" not in env.extra:
        env.extra["writing"] = Writing.objects.filter(author=env.teacher(), status="submitted").select_related("school", "term").last()
    return env.extra["writing"]


def _copy_check(env: BenchEnv, client):
    """The check a submission runs (复制比 against the school's pool), rolled back afterwards."""
    from .detection import check_writing

    return check_writing(_writing(env))


def _copy_floor(env: BenchEnv):
    """The candidate lookup: which texts of the pool hold each fingerprint (at most CAP each)."""
    from django.db import connection

    from xiaoben.core import textsim

    w = _writing(env)
    hashes = textsim.fingerprints(w.body) or [0]
    if connection.vendor != "postgresql":  # SQLite: the same rows, uncapped
        marks = ", ".join(["%s"] * len(hashes))
        return (
            f"SELECT hash, kind, object_id FROM core_textfingerprint WHERE hash IN ({marks}) AND (school_id = %s OR region_id = %s)",
            [*hashes, w.school_id, w.school.region_id],
        )
    sql, params = textsim._capped_sql(textsim.pool_for_school(w.school))
    return (sql, [hashes, *params])


figure(
    key="writings.shared",
    label="共享文章列表（教师）",
    persona="teacher",
    url=lambda env: reverse("writings:list") + "?tab=shared",
    floor=shared_floor,
)
figure(
    key="writings.api",
    label="文章 API 列表（教师）",
    persona="teacher",
    url=lambda env: "/api/v1/writings/",
    floor=lambda env: shared_floor(env, limit=50),
)
figure(
    key="writings.copycheck",
    label="复制比检查一篇文章",
    persona="teacher",
    run=_copy_check,
    floor=_copy_floor,
    rollback=True,
    target_ms=200,
)
