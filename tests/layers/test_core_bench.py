"""The bench runner's plumbing: figures registered by the apps, timed through the URL stack
with their query count, floors timed beside them, failures reported rather than fatal.
(No timing assertions: only that numbers are produced and compared.)"""

import pytest

from xiaoben.core import bench
from xiaoben.org.models import Teacher
from xiaoben.org.selectors import current_term


@pytest.fixture
def env(world, settings):
    users = {p: world.users[p] for p in ("teacher", "leader", "principal", "researcher")}
    users["admin"] = world.users["platform_admin"]
    return bench.BenchEnv(users=users, school=world.school, term=current_term(world.school.pk))


def test_apps_register_their_figures():
    keys = {f.key for f in bench.figures()}
    assert {"core.home", "requirements.grid", "hours.region", "writings.shared", "writings.api", "observations.list"} <= keys
    assert {"observations.api", "writings.copycheck", "org.roster_import"} <= keys
    assert all(f.url or f.run for f in bench.figures())


@pytest.mark.parametrize("key", ["core.home", "requirements.grid", "writings.shared", "observations.api", "hours.region"])
def test_a_page_figure_is_timed_with_its_queries_and_its_floor(env, key):
    fig = next(f for f in bench.figures() if f.key == key)
    r = bench.run_figure(fig, env, repeat=2)
    assert r.error == "" and r.status == 200
    assert r.p50 > 0 and r.p95 >= r.p50
    assert r.queries > 0
    assert r.floor is not None and r.floor > 0
    assert r.ratio == pytest.approx(r.p50 / r.floor)
    row = bench.format_row(r)
    assert row.startswith(f"| {fig.label} |") and ("✓" in row or "✗" in row)


def test_floor_and_ratio_decide_whether_a_figure_meets_its_target():
    fast = bench.Result("k", "页", p50=10, p95=12, queries=3, floor=6, target_ms=150)
    assert fast.met and fast.target_text == "p95 ≤ 150 ms, ≤ 2× floor"
    assert not bench.Result("k", "页", p50=13, p95=14, queries=3, floor=6, target_ms=150).met  # 2.2× its floor
    assert not bench.Result("k", "页", p50=100, p95=160, queries=3, floor=60, target_ms=150).met  # over the bar
    assert bench.percentile([1, 2, 3, 4, 5], 0.5) == 3


def test_a_write_figure_is_rolled_back_and_a_broken_figure_is_reported(env):
    before = Teacher.objects.count()
    fig = bench.Figure(
        key="t.write",
        label="写",
        persona="principal",
        url=lambda e: "/org/roster/import/",
        method="POST",
        data=lambda e: {"file": _roster(), "initial_password": "Xiaoben2026", "dry_run": ""},
        rollback=True,
    )
    r = bench.run_figure(fig, env, repeat=1)
    assert r.error == "" and r.queries > 0
    assert Teacher.objects.count() == before
    broken = bench.run_figure(bench.Figure(key="t.404", label="无", persona="teacher", url=lambda e: "/no/such/page/"), env, repeat=1)
    assert broken.error == "HTTP 404" and not broken.met


def _roster():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoben.org.bench import roster_file

    return SimpleUploadedFile("roster.xlsx", roster_file(5))
