"""Query counts on lists, growth views and the matrix do not grow with the rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.observations.models import Observation, ObservationScore
from xiaoben.observations.rubrics import rubric_for_school, score_total


def _bulk(world, n, *, observer, teacher, term=None):
    """Fast rows (bulk_create) shaped like the service's."""
    rubric = rubric_for_school(world.school)
    items = list(rubric.items.all())
    term = term or world.term
    rows = []
    for k in range(n):
        day = term.start_date + dt.timedelta(days=7 + k % 60)
        total, grade = score_total(items=items, points={i.pk: i.max_points * 8 / 10 for i in items}, scale=rubric.grade_scale)
        rows.append(
            Observation(
                school=world.school,
                term=term,
                observer=observer,
                teacher=teacher,
                lesson_date=day,
                lesson_title=f"课{k}",
                rubric=rubric,
                total=total,
                grade_label=grade,
                status="submitted",
                is_backfilled=k % 5 == 0,
            )
        )
    rows = Observation.objects.bulk_create(rows)
    ObservationScore.objects.bulk_create(ObservationScore(observation=o, item=i, points=i.max_points * 8 / 10) for o in rows for i in items)


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "persona,url_name,args,query",
    [
        ("dean", "observations:list", [], "?role="),
        ("mentor", "observations:list", [], ""),
        ("teacher", "observations:my_growth", [], ""),
        ("dean", "observations:matrix", [], ""),
        ("leader", "observations:matrix", [], ""),
        ("dean", "observations:flags", [], ""),
        ("leader", "observations:activities", [], ""),
    ],
)
def test_query_count_constant(world, client_for, persona, url_name, args, query):
    c = client_for(persona)
    url = reverse(url_name, args=args) + query
    _bulk(world, 3, observer=world.mentor, teacher=world.teacher)
    _bulk(world, 2, observer=world.leader, teacher=world.teacher, term=world.prev_term)
    _count(c, url)  # warm caches (content types, rubric)
    before = _count(c, url)
    _bulk(world, 40, observer=world.mentor, teacher=world.teacher)
    _bulk(world, 20, observer=world.teacher, teacher=world.mentor)
    _bulk(world, 20, observer=world.dean, teacher=world.colleague, term=world.prev_term)
    _bulk(world, 20, observer=world.leader, teacher=world.teacher, term=world.prev_term)
    assert _count(c, url) == before


def test_growth_of_a_member_query_count_constant(world, client_for):
    c = client_for("leader")
    url = reverse("observations:growth", args=[world.teacher.pk])
    _bulk(world, 2, observer=world.mentor, teacher=world.teacher)
    _count(c, url)
    before = _count(c, url)
    _bulk(world, 30, observer=world.mentor, teacher=world.teacher, term=world.prev_term)
    _bulk(world, 30, observer=world.teacher, teacher=world.mentor)
    assert _count(c, url) == before


def test_api_list_query_count_constant(world, client_for):
    c = client_for("dean")
    _bulk(world, 3, observer=world.mentor, teacher=world.teacher)
    _count(c, "/api/v1/observations/")
    before = _count(c, "/api/v1/observations/")
    _bulk(world, 40, observer=world.mentor, teacher=world.teacher)
    assert _count(c, "/api/v1/observations/") == before


def test_series_page_query_count_constant(world, client_for):
    from xiaoben.activities.models import Activity, LessonStudyRound, LessonStudySeries

    series = LessonStudySeries.objects.create(school=world.school, term=world.term, kind="multi_round", title="一课多研")
    acts = []
    for n in (1, 2, 3):
        a = Activity.objects.create(school=world.school, term=world.term, kind="lesson_study", title=f"第{n}轮", host=world.teacher)
        LessonStudyRound.objects.create(series=series, activity=a, number=n)
        acts.append(a)
    c = client_for("dean")
    url = reverse("observations:series", args=[series.pk])
    _bulk(world, 2, observer=world.mentor, teacher=world.teacher)
    Observation.objects.update(activity=acts[0])
    _count(c, url)
    before = _count(c, url)
    _bulk(world, 30, observer=world.leader, teacher=world.teacher)
    Observation.objects.filter(activity__isnull=True).update(activity=acts[1])
    assert _count(c, url) == before
