"""One validation path (issue #12, 8): what a form refuses, the API refuses — with the same
Chinese words — and nothing is cut silently or half-saved."""

import pytest
from django.urls import reverse

from xiaoben.core.validation import too_long
from xiaoben.observations.models import Observation
from xiaoben.org.validation import grade_message

pytestmark = pytest.mark.django_db


def _obs_form(world, **over):
    from xiaoben.observations.rubrics import rubric_for_school

    rubric = rubric_for_school(world.school)
    return {
        "teacher": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "subject": "语文",
        "grade": "3",
        "lesson_title": "富饶的西沙群岛",
        "kind": "regular",
        "strengths": "情境创设好",
        "action": "submit",
        **{f"score_{i.pk}": str(i.max_points) for i in rubric.items.all()},
        **over,
    }


def _obs_api(world, **over):
    from xiaoben.observations.rubrics import rubric_for_school

    rubric = rubric_for_school(world.school)
    return {
        "teacher_id": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "grade": 3,
        "lesson_title": "富饶的西沙群岛",
        "strengths": "情境创设好",
        "scores": [{"item_id": i.pk, "points": str(i.max_points)} for i in rubric.items.all()],
        **over,
    }


def test_grade_999_refused_by_the_form_and_the_api_alike(world, client_for, api_client_for):
    message = grade_message(world.school.stage)
    r = client_for("mentor").post(reverse("observations:new"), _obs_form(world, grade="999"))
    assert r.status_code == 200 and message in r.content.decode()
    r = api_client_for("mentor").post("/api/v1/observations/", _obs_api(world, grade=999), content_type="application/json")
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not Observation.all_objects.exists()
    # a grade of another stage (初中 七年级 in a 小学) too
    r = api_client_for("mentor").post("/api/v1/observations/", _obs_api(world, grade=7), content_type="application/json")
    assert r.status_code == 400 and message in r.json()["detail"]
    assert not Observation.all_objects.exists()


def test_an_overlong_lesson_title_is_refused_not_cut(world, client_for, api_client_for):
    title = "课" * 250
    message = too_long("课题", title, 200)
    r = client_for("mentor").post(reverse("observations:new"), _obs_form(world, lesson_title=title))
    assert r.status_code == 200 and message in r.content.decode()
    r = api_client_for("mentor").post("/api/v1/observations/", _obs_api(world, lesson_title=title), content_type="application/json")
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not Observation.all_objects.exists()


def test_a_100000_character_monthly_report_is_refused_by_form_and_api(world, client_for, api_client_for):
    from xiaoben.mentoring.models import MentorshipReport
    from xiaoben.mentoring.tests.factories import pair_for

    pair = pair_for(world)
    text = "听课" * 50_000
    message = too_long("本月指导内容", text, 5000)
    r = client_for("mentor").post(reverse("mentoring:report", args=[pair.pk, "2026-11"]), {"work_done": text, "next_plan": ""})
    assert r.status_code == 200 and message in r.content.decode()
    r = api_client_for("mentor").post(
        f"/api/v1/mentoring/pairs/{pair.pk}/reports", {"month": "2026-11", "work_done": text}, content_type="application/json"
    )
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not MentorshipReport.objects.exists()


def test_a_training_title_over_200_characters_is_refused_not_cut(world, client_for, api_client_for):
    from xiaoben.hours.models import TrainingClaim
    from xiaoben.hours.tests.factories import claim_kwargs, pdf

    title = "国培" * 120
    message = too_long("培训名称", title, 200)
    data = {k: str(v) for k, v in claim_kwargs(title=title).items()}
    r = client_for("teacher").post(reverse("hours:claim_new"), {**data, "certificate": pdf()})
    assert r.status_code == 200 and message in r.content.decode()
    r = api_client_for("teacher").post("/api/v1/hours/claims", {**data, "certificate": pdf()})
    assert r.status_code == 400 and message in r.json()["detail"], r.content
    assert not TrainingClaim.objects.exists()


def test_the_form_limit_message_is_the_shared_one(world):
    from xiaoben.mentoring.forms import ReportForm

    form = ReportForm({"work_done": "字" * 5001})
    assert not form.is_valid()
    assert form.errors["work_done"] == [too_long("本月指导内容", "字" * 5001, 5000)]


def test_services_refuse_over_long_names_instead_of_cutting_them(world):
    """A name longer than its column is refused in the services' words, never stored cut short."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    from xiaoben.assessment.models import AssessmentScheme
    from xiaoben.assessment.services import scheme_create
    from xiaoben.core.models import ApiToken
    from xiaoben.core.services import api_token_create
    from xiaoben.org.models import CalendarDay
    from xiaoben.org.services import calendar_day_set

    with pytest.raises(ValidationError) as e:
        api_token_create(user=world.users["teacher"], name="令" * 61)
    assert too_long("名称", "令" * 61, 60) in e.value.messages
    assert not ApiToken.objects.filter(user=world.users["teacher"]).exists()

    with pytest.raises(ValidationError):
        calendar_day_set(actor=_scope(world, "dean"), school=world.school, date=dt.date(2026, 12, 25), kind="holiday", name="节" * 41)
    assert not CalendarDay.objects.filter(school=world.school, date=dt.date(2026, 12, 25)).exists()

    with pytest.raises(ValidationError):
        scheme_create(school=world.school, term=world.term, actor=_scope(world, "dean"), name="方" * 101)
    assert not AssessmentScheme.objects.filter(school=world.school, name__startswith="方方").exists()


def _scope(world, persona):
    from xiaoben.core.scope import scope_for

    return scope_for(world.users[persona])
