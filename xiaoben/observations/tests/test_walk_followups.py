"""Issue 14 follow-ups: an observer placed in two lessons of the same 第N节 is warned; a
lesson observed on a day off is marked 休息日 in the list (one calendar query for the page)."""

import datetime as dt

import pytest
from django.urls import reverse

from xiaoben.core.testing import assert_queries
from xiaoben.observations import selectors

pytestmark = pytest.mark.django_db


def test_two_lessons_in_one_period_warn_the_observer(world, record, client_for):
    day = dt.date(2026, 11, 17)
    first = record(world.mentor, world.teacher, lesson_date=day, period=3)
    second = record(world.mentor, world.leader, lesson_date=day, period=3, lesson_title="《父亲、树林和鸟》")
    other_period = record(world.mentor, world.colleague, lesson_date=day, period=4, lesson_title="分数的初步认识")
    assert [o.pk for o in selectors.period_clashes(observer_id=world.mentor.pk, lesson_date=day, period=3, exclude_pk=second.pk)] == [
        first.pk
    ]
    assert selectors.clash_warning(other_period) == ""
    warning = selectors.clash_warning(second)
    assert "第3节" in warning and world.teacher.name in warning
    html = client_for("mentor").get(reverse("observations:detail", args=[second.pk])).content.decode()
    assert 'data-testid="period-clash"' in html
    # the observed teacher is not shown the observer's other lessons
    assert 'data-testid="period-clash"' not in client_for("leader").get(reverse("observations:detail", args=[second.pk])).content.decode()


def test_form_submit_warns_about_the_clash(world, record, client_for):
    from xiaoben.observations.rubrics import rubric_for_school

    day = dt.date(2026, 11, 17)
    record(world.mentor, world.teacher, lesson_date=day, period=2)
    rubric = rubric_for_school(world.school)
    data = {
        "teacher": world.leader.pk,
        "lesson_date": day.isoformat(),
        "period": 2,
        "lesson_title": "《父亲、树林和鸟》",
        "kind": "regular",
        "strengths": "朗读指导到位。",
        "action": "submit",
    }
    for item in rubric.items.all():
        data[f"score_{item.pk}"] = str(item.max_points)
    r = client_for("mentor").post(reverse("observations:new"), data, follow=True)
    assert r.status_code == 200
    assert "第2节你还记录了听" in r.content.decode()


def test_list_marks_a_lesson_on_a_day_off(world, record, client_for):
    record(world.mentor, world.teacher, lesson_date=dt.date(2026, 11, 14), lesson_title="周六补课的一节")  # a Saturday
    record(world.mentor, world.leader, lesson_date=dt.date(2026, 11, 17))
    html = client_for("mentor").get(reverse("observations:list")).content.decode()
    assert html.count('data-testid="day-off"') == 1 and "休息日·周末" in html
    assert_queries(client_for("mentor"), reverse("observations:list"), budget=25)


def test_region_stats_queries_do_not_grow(world, record, client_for):
    """The 教研员's 听课统计: a fixed number of queries however many observations and schools."""
    c = client_for("researcher")
    first = assert_queries(c, reverse("observations:matrix"), budget=20)
    for i in range(5):
        record(world.mentor, world.teacher, lesson_date=dt.date(2026, 11, 9 + i), period=i + 1)
    from xiaoben.org.models import School

    School.objects.create(name="新建的学校", code="NEW-1", region=world.school.region, stage=world.school.stage)
    assert assert_queries(c, reverse("observations:matrix"), budget=20) == first
    html = c.get(reverse("observations:matrix")).content.decode()
    assert 'data-testid="region-observation-stats"' in html and "新建的学校" in html
