"""视导: record, lessons (observed teacher notified), 整改反馈, close; who sees what."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import Notification
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.services import api_token_create
from xiaoben.region import services
from xiaoben.region.models import SchoolVisit, VisitStatus

pytestmark = pytest.mark.django_db


def _visit(world, school=None, actor="researcher"):
    return services.visit_create(
        actor=scope_for(world.user(actor)),
        school=school or world.school,
        visited_on=dt.date(2026, 11, 16),
        focus="集体备课落实情况",
        findings="备课组活动记录完整，但二次备课流于形式。",
        suggestions="每次集体备课后留存个人二次备课稿。",
        documents_checked="教研组计划、活动记录",
    )


def test_full_flow_notifies_and_closes(world, client_for):
    visit = _visit(world)
    assert Notification.objects.filter(recipient=world.user("dean"), kind="region.visit_reported").exists()
    assert Notification.objects.filter(recipient=world.user("principal"), kind="region.visit_reported").exists()

    r = client_for("researcher").post(
        reverse("region:lesson_add", args=[visit.pk]),
        {"teacher": world.teacher.pk, "lesson_title": "秋天的雨", "period": 2, "comment": "朗读指导到位。"},
    )
    assert r.status_code == 302
    lesson = visit.lessons.get()
    note = Notification.objects.get(recipient=world.teacher.user, kind="region.lesson_observed")
    assert note.url == reverse("region:lesson", args=[lesson.pk])
    # The observed teacher opens their lesson, not the whole report.
    assert client_for("teacher").get(note.url).status_code == 200
    assert client_for("teacher").get(visit.get_absolute_url()).status_code == 404

    # The school can't close; the 教研员 can't close before the answer.
    assert client_for("researcher").post(reverse("region:visit_close", args=[visit.pk])).status_code == 403
    r = client_for("dean").post(
        reverse("region:visit_respond", args=[visit.pk]), {"response": "已要求各备课组上传二次备课稿。", "version": visit.version}
    )
    assert r.status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ANSWERED and visit.responded_by == world.user("dean")
    assert Notification.objects.filter(recipient=world.user("researcher"), kind="region.visit_answered").exists()
    assert client_for("dean").post(reverse("region:visit_close", args=[visit.pk])).status_code == 403
    assert client_for("researcher").post(reverse("region:visit_close", args=[visit.pk])).status_code == 302
    visit.refresh_from_db()
    assert visit.status == VisitStatus.CLOSED and visit.closed_at
    # Closed: no more answers or lessons.
    with pytest.raises(NotPermitted):
        services.visit_respond(actor=scope_for(world.user("dean")), visit=visit, expected_version=visit.version, response="再补充")
    assert client_for("researcher").get(reverse("region:lesson_add", args=[visit.pk])).status_code == 404


def test_only_the_region_researcher_records_visits(world):
    with pytest.raises(NotPermitted) as e:
        _visit(world, actor="other_researcher")
    assert e.value.hides_object
    with pytest.raises(NotPermitted):
        _visit(world, actor="dean")
    with pytest.raises(NotPermitted):
        _visit(world, school=world.other_school)  # another district's school


def test_lesson_teacher_must_belong_to_the_visited_school(world):
    visit = _visit(world)
    with pytest.raises(ValidationError):
        services.visit_lesson_add(
            actor=scope_for(world.user("researcher")), visit=visit, teacher=world.other_teacher, lesson_title="x", comment="y"
        )
    assert not visit.lessons.exists()


def test_empty_answer_is_refused(world):
    visit = _visit(world)
    with pytest.raises(ValidationError):
        services.visit_respond(actor=scope_for(world.user("dean")), visit=visit, expected_version=visit.version, response="  ")
    visit.refresh_from_db()
    assert visit.status == VisitStatus.OPEN


SEES = {"platform_admin", "researcher", "principal", "dean"}


def test_permission_matrix(world, client_for):
    visit = _visit(world)
    other = _visit(world, school=world.other_school, actor="other_researcher")
    for persona in ["platform_admin", "researcher", "other_researcher", "principal", "dean", "leader", "teacher", "other_teacher"]:
        c = client_for(persona)
        want = 200 if persona in SEES else 404
        assert c.get(visit.get_absolute_url()).status_code == want, persona
        api = c.get(f"/api/v1/region/visits/{visit.pk}")
        assert api.status_code == want, persona
        if persona not in ("platform_admin", "other_researcher"):
            assert c.get(other.get_absolute_url()).status_code == 404, persona
        listed = c.get("/api/v1/region/visits")
        ids = {v["id"] for v in listed.json()["items"]} if listed.status_code == 200 else set()
        assert (visit.pk in ids) == (persona in SEES), persona
    assert client_for("other_researcher").get(other.get_absolute_url()).status_code == 200
    assert client_for("teacher").get(reverse("region:visits")).status_code == 404
    assert client_for("researcher").get(reverse("region:visit_create")).status_code == 200
    assert client_for("dean").get(reverse("region:visit_create")).status_code == 404
    assert client_for("dean").get(reverse("region:visits")).status_code == 200


def test_another_school_of_the_same_district_sees_nothing(world, client_for):
    from xiaoben.core.models import User
    from xiaoben.org.models import School
    from xiaoben.org.services import role_assign

    school_b = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    admin_b = User.objects.create_user(username="admin_b", password="x")
    role_assign(actor=SYSTEM, user=admin_b, role="school_admin", school=school_b, title="教导主任")
    visit = _visit(world)
    c = Client()
    c.force_login(admin_b)
    assert c.get(visit.get_absolute_url()).status_code == 404
    with pytest.raises(NotPermitted):
        services.visit_respond(actor=scope_for(admin_b), visit=visit, expected_version=visit.version, response="x")


def test_api_with_token_and_csrf(world):
    _, raw = api_token_create(user=world.user("researcher"), name="t")
    c = Client(enforce_csrf_checks=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = c.post(
        "/api/v1/region/visits",
        {"school_id": world.school.pk, "visited_on": "2026-11-17", "focus": "听评课", "findings": "f", "suggestions": "s"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = c.post(
        "/api/v1/region/visits",
        {"school_id": world.other_school.pk, "visited_on": "2026-11-17", "focus": "x", "findings": "f", "suggestions": "s"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 404
    _, dean_raw = api_token_create(user=world.user("dean"), name="t")
    r = c.post(
        f"/api/v1/region/visits/{pk}/respond",
        {"response": "已整改", "version": SchoolVisit.objects.get(pk=pk).version},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {dean_raw}",
    )
    assert r.status_code == 200 and r.json()["status"] == "answered"
    r = c.post(f"/api/v1/region/visits/{pk}/close", **auth)
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert SchoolVisit.objects.get(pk=pk).status == "closed"
