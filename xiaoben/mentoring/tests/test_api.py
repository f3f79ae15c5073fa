"""API routes × personas: counts are school-visible, report texts are private."""

import datetime as dt

import pytest

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.mentoring import services
from xiaoben.requirements.kept import REFRESH_QUERIES

from .factories import observe, pair_for


@pytest.fixture
def pair(world):
    p = pair_for(world)
    services.report_file(
        pair=p, month=dt.date(2026, 10, 1), work_done="磨课两次", actor=scope_for(world.users["teacher"]), today=world.today
    )
    observe(world, world.teacher, world.mentor, dt.date(2026, 10, 12))
    return p


@pytest.mark.parametrize(
    "persona,pairs,detail,reports",
    [
        ("anonymous", 401, 401, 401),
        ("teacher", 200, 200, 200),
        ("mentor", 200, 200, 200),
        ("colleague", 200, 200, 404),
        ("leader", 200, 200, 404),
        ("dean", 200, 200, 200),
        ("other_teacher", 200, 404, 404),
        ("researcher", 404, 404, 404),
        ("platform_admin", 200, 200, 200),
    ],
)
def test_routes_by_persona(world, api_client_for, pair, persona, pairs, detail, reports):
    c = api_client_for(persona)
    assert c.get("/api/v1/mentoring/pairs").status_code == pairs
    assert c.get(f"/api/v1/mentoring/pairs/{pair.pk}").status_code == detail
    assert c.get(f"/api/v1/mentoring/pairs/{pair.pk}/reports").status_code == reports


def test_other_school_sees_none_of_our_pairs(world, api_client_for, pair):
    body = api_client_for("other_teacher").get("/api/v1/mentoring/pairs").json()
    assert body["count"] == 0
    assert api_client_for("other_teacher").get(f"/api/v1/mentoring/pairs?year_id={pair.school_year_id}").status_code == 404


def test_pairs_show_progress(world, api_client_for, pair):
    items = api_client_for("colleague").get("/api/v1/mentoring/pairs").json()["items"]
    q = {x["label"]: x["count"] for x in items[0]["quotas"]}
    assert q == {"徒弟听师傅的课": 1, "师傅听徒弟的课": 0}
    s = api_client_for("dean").get("/api/v1/mentoring/summary").json()
    assert s["text"] == "新老教师相互听课1节，其中指导课1节，汇报课0节。"


@pytest.mark.parametrize(
    "persona,status", [("teacher", 201), ("mentor", 201), ("dean", 403), ("colleague", 404), ("other_teacher", 404), ("anonymous", 401)]
)
def test_file_report_by_persona(world, api_client_for, pair, persona, status):
    r = api_client_for(persona).post(
        f"/api/v1/mentoring/pairs/{pair.pk}/reports", {"month": "2026-11", "work_done": "听汇报课"}, content_type="application/json"
    )
    assert r.status_code == status
    if status == 201:
        assert r.json()["mentee_observed"] == 0


def test_file_report_bad_month(world, api_client_for, pair):
    r = api_client_for("teacher").post(
        f"/api/v1/mentoring/pairs/{pair.pk}/reports", {"month": "十月", "work_done": "x"}, content_type="application/json"
    )
    assert r.status_code == 400 and "月份" in r.json()["detail"]


@pytest.mark.parametrize(
    "persona,status", [("dean", 201), ("principal", 201), ("mentor", 403), ("teacher", 403), ("other_teacher", 404), ("anonymous", 401)]
)
def test_create_pair_by_persona(world, api_client_for, persona, status):
    r = api_client_for(persona).post(
        "/api/v1/mentoring/pairs",
        {"mentor_id": world.leader.pk, "mentee_id": world.teacher.pk, "start_date": "2026-09-15"},
        content_type="application/json",
    )
    assert r.status_code == status
    if status == 201:
        assert [q["target"] for q in r.json()["quotas"]] == [30, 20]


def test_create_pair_rejects_other_school_and_duplicates(world, api_client_for):
    c = api_client_for("dean")
    body = {"mentor_id": world.other_teacher.pk, "mentee_id": world.teacher.pk, "start_date": "2026-09-15"}
    assert c.post("/api/v1/mentoring/pairs", body, content_type="application/json").status_code == 404
    body["mentor_id"] = world.mentor.pk
    assert c.post("/api/v1/mentoring/pairs", body, content_type="application/json").status_code == 201
    r = c.post("/api/v1/mentoring/pairs", body, content_type="application/json")
    assert r.status_code == 400 and "已结对" in r.json()["detail"]


@pytest.mark.parametrize("persona,status", [("dean", 200), ("mentor", 404), ("colleague", 404), ("other_teacher", 404), ("anonymous", 401)])
def test_results_by_persona(world, api_client_for, pair, persona, status):
    services.evaluation_save(pair=pair, role="school_on_mentee", grade="pass", comment="合格", actor=scope_for(world.users["dean"]))
    r = api_client_for(persona).get("/api/v1/mentoring/results")
    assert r.status_code == status
    if status == 200:
        assert r.json() == [{"teacher_id": world.teacher.pk, "as_mentor": "", "as_mentee": "pass"}]


def test_pairs_list_query_count_is_constant(world, api_client_for, pair):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoben.org import services as org

    c = api_client_for("dean")
    c.get("/api/v1/mentoring/pairs")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert c.get("/api/v1/mentoring/pairs").status_code == 200
        return len(ctx)

    before = count()
    for i in range(4):
        mentee = org.teacher_create(
            actor=SYSTEM,
            school=world.school,
            staff_no=f"8{i:02d}",
            name=f"徒弟{i}",
            gender="F",
            teaching_since=dt.date(2025, 9, 1),
            subject="语文",
        )
        pair_for(world, mentee=mentee)
        observe(world, mentee, world.mentor, dt.date(2026, 10, 10))
    # the first read after writes refreshes the school's kept counts (a fixed number of queries)
    assert count() <= before + REFRESH_QUERIES
    assert count() == before
