"""Recording: validation, notification, 补录 with frozen time, copied-feedback flags."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from xiaoben.core.models import Notification
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.observations import services
from xiaoben.observations.models import FeedbackFlag, Observation
from xiaoben.observations.similarity import feedback_text


def test_submit_notifies_observed_teacher(world, record):
    obs = record()
    assert obs.status == "submitted" and obs.total == Decimal("90.0") and obs.term_id == world.term.pk
    assert obs.subject == "语文"
    n = Notification.objects.get(recipient=world.users["teacher"], kind="observations.submitted")
    assert f"/observations/{obs.pk}/" in n.url and world.mentor.name in n.text


def test_draft_has_no_notification_and_can_be_completed(world, record):
    obs = record(submit=False, lesson_title="", strengths="")
    assert obs.status == "draft"
    assert not Notification.objects.filter(recipient=world.users["teacher"]).exists()
    data = services.ObservationInput(
        teacher=world.teacher,
        lesson_date=obs.lesson_date,
        lesson_title="小蝌蚪找妈妈",
        strengths="读得好",
        points={s.item_id: s.points for s in obs.scores.all()},
    )
    done = services.observation_save(
        actor=scope_for(world.mentor.user), data=data, submit=True, observation=obs, expected_version=obs.version
    )
    assert done.pk == obs.pk and done.status == "submitted"
    with pytest.raises(ValidationError, match="已提交"):
        services.observation_save(
            actor=scope_for(world.mentor.user), data=data, submit=True, observation=done, expected_version=done.version
        )


@pytest.mark.parametrize(
    "change,message",
    [
        ({"lesson_title": ""}, "课题"),
        ({"strengths": "", "weaknesses": "", "suggestions": ""}, "评课意见"),
        ({"lesson_date": dt.date(2026, 11, 20)}, "晚于今天"),
        ({"lesson_date": dt.date(2026, 8, 10)}, "学期"),
        ({"period": 15}, "节次"),
        ({"kind": "picnic"}, "课型"),
    ],
)
def test_bad_input_rejected_nothing_saved(world, record, change, message):
    with pytest.raises(ValidationError, match=message):
        record(**change)
    assert not Observation.all_objects.exists()


def test_cannot_observe_other_school_or_self(world, record):
    with pytest.raises(ValidationError, match="本校"):
        record(teacher=world.other_teacher)
    with pytest.raises(ValidationError, match="自己"):
        record(observer=world.teacher, teacher=world.teacher)


def test_scores_must_be_complete_and_in_range(world, record):
    from xiaoben.observations.rubrics import rubric_for_school

    items = list(rubric_for_school(world.school).items.all())
    with pytest.raises(ValidationError, match="没有打分"):
        record(points={items[0].pk: 9})
    with pytest.raises(ValidationError, match="之间"):
        record(points={i.pk: 11 for i in items})
    assert not Observation.all_objects.exists()


def test_backfill_flag_with_frozen_time(world, record):
    # entered on 11-18 (frozen) for a lesson on 11-15: 3 days later → on time
    assert record(lesson_date=dt.date(2026, 11, 15)).is_backfilled is False
    # a lesson on 11-14: 4 days later → 补录
    assert record(lesson_date=dt.date(2026, 11, 14), observer=world.leader).is_backfilled is True
    # a school may allow more days
    world.school.settings = {"backfill_days": 7}
    world.school.save()
    obs = record(lesson_date=dt.date(2026, 11, 14), observer=world.dean)
    assert obs.is_backfilled is False


def test_draft_entered_on_time_then_submitted_later_is_not_backfill(world, record):
    draft = record(submit=False, lesson_date=dt.date(2026, 11, 18))
    with time_machine.travel("2026-11-25 09:00:00+08:00", tick=False):
        data = services.ObservationInput(
            teacher=world.teacher,
            lesson_date=draft.lesson_date,
            lesson_title="课",
            strengths="好",
            points={s.item_id: s.points for s in draft.scores.all()},
        )
        done = services.observation_save(
            actor=scope_for(world.mentor.user), data=data, submit=True, observation=draft, expected_version=draft.version
        )
    assert done.is_backfilled is False  # entered (created) on the day of the lesson


def test_backfill_when_first_entered_late(world, record):
    with time_machine.travel("2026-11-25 09:00:00+08:00", tick=False):
        obs = record(lesson_date=dt.date(2026, 11, 18))
    assert obs.is_backfilled is True


COPIED = "教师教学目标明确，重难点突出，课堂氛围活跃，学生参与积极，小组合作有效，板书设计清晰美观。"


def test_near_duplicate_feedback_flagged_and_reviewers_notified(world, record):
    first = record(observer=world.mentor, strengths=COPIED, weaknesses="", suggestions="")
    assert not FeedbackFlag.objects.exists()
    # the leader copies it, changing a couple of characters and punctuation
    second = record(
        observer=world.leader,
        teacher=world.mentor,
        strengths=COPIED.replace("美观", "漂亮").replace("，", " "),
        weaknesses="",
        suggestions="",
    )
    flag = FeedbackFlag.objects.get()
    assert flag.observation_id == second.pk and flag.similar_to_id == first.pk and flag.similarity >= Decimal("0.8")
    notified = set(Notification.objects.filter(kind="observations.feedback_flagged").values_list("recipient_id", flat=True))
    # school admins (校长, 教导主任) are told; the observer is not told about themselves
    assert {world.users["principal"].pk, world.users["dean"].pk} <= notified
    assert world.users["leader"].pk not in notified


def test_identical_feedback_by_mentee_reaches_group_leader(world, record):
    record(observer=world.mentor, strengths=COPIED)
    record(observer=world.teacher, teacher=world.mentor, strengths=COPIED)
    notified = set(Notification.objects.filter(kind="observations.feedback_flagged").values_list("recipient_id", flat=True))
    assert world.users["leader"].pk in notified  # leads 语文组, where the copying observer is
    assert world.users["mentor"].pk in notified  # leads the 备课组 the copying observer is in


def test_unrelated_and_short_feedback_not_flagged(world, record):
    record(observer=world.mentor, strengths=COPIED)
    record(observer=world.leader, strengths="识字教学扎实，用字理识字帮助学生理解字义，写字指导到位，学生书写姿势规范。")
    record(observer=world.dean, strengths="很好", weaknesses="", suggestions="")
    record(observer=world.principal, strengths="很好", weaknesses="", suggestions="")
    assert not FeedbackFlag.objects.exists()


def test_other_schools_feedback_never_compared(world, record):
    record(observer=world.mentor, strengths=COPIED)
    from xiaoben.org.services import teacher_create

    colleague = teacher_create(
        actor=SYSTEM, school=world.other_school, staff_no="099", name="钱多多", password="x", subject="语文", gender="F"
    )
    record(observer=world.other_teacher, teacher=colleague, strengths=COPIED)
    assert not FeedbackFlag.objects.exists()


def test_feedback_is_indexed_on_the_shared_text_similarity_service(world, record):
    from xiaoben.core.models import TextFingerprint
    from xiaoben.observations.similarity import KIND

    obs = record(strengths=COPIED)
    assert TextFingerprint.objects.filter(kind=KIND, object_id=obs.pk).exists()
    short = record(observer=world.dean, strengths="很好", weaknesses="", suggestions="")
    assert not TextFingerprint.objects.filter(kind=KIND, object_id=short.pk).exists()  # too short to mean anything
    assert feedback_text("优点", "", "建议") == "优点\n建议"


def test_deleted_or_old_observations_not_compared(world, record):
    first = record(strengths=COPIED, lesson_date=dt.date(2026, 11, 16))
    first.soft_delete()
    record(observer=world.leader, strengths=COPIED)
    assert not FeedbackFlag.objects.exists()


def test_api_shows_feedback_flags_to_reviewers_only(world, record, client_for):
    first = record(observer=world.mentor, strengths=COPIED)
    second = record(observer=world.leader, teacher=world.mentor, strengths=COPIED.replace("美观", "漂亮"))
    url = f"/api/v1/observations/{second.pk}"
    body = client_for("dean").get(url).json()
    [flag] = body["feedback_flags"]
    assert flag["similar_to_id"] == first.pk and flag["copied_share"] > 0.8 and not flag["resolved"] and flag["flagged"]
    assert flag["author"] == world.mentor.name and first.lesson_title in flag["title"]
    assert body["copied_share"] == flag["copied_share"] and body["flagged"] is True
    # a source that leaves the door (deleted) is no longer named through the flag
    first.soft_delete()
    [flag] = client_for("principal").get(url).json()["feedback_flags"]
    assert flag["similar_to_id"] is None and flag["author"] == "" and first.lesson_title not in flag["title"]
    observed = client_for("teacher").get(
        f"/api/v1/observations/{record(observer=world.mentor, teacher=world.teacher, strengths=COPIED).pk}"
    )
    assert (
        observed.json()["feedback_flags"] is None and observed.json()["copied_share"] is None
    )  # the observed teacher reads the feedback, not the copy review
    assert client_for("other_teacher").get(url).status_code == 404


def test_only_the_observer_withdraws_or_deletes(world, record, client_for):
    """The service checks the actor first (issue 11): the observed teacher reads the record and is
    told why not (403); someone of another school is told nothing (404); the page answers the same."""
    from xiaoben.core.errors import NotPermitted
    from xiaoben.core.scope import scope_for

    obs = record()
    for fn in (services.observation_withdraw, services.observation_delete):
        with pytest.raises(NotPermitted, match="只有听课人本人") as seen:
            fn(actor=scope_for(world.teacher.user), observation=obs)
        assert not seen.value.hides_object
        with pytest.raises(NotPermitted) as hidden:
            fn(actor=scope_for(world.users["other_teacher"]), observation=obs)
        assert hidden.value.hides_object
    from django.urls import reverse

    r = client_for("teacher").post(reverse("observations:withdraw", args=[obs.pk]))
    assert r.status_code == 403 and "只有听课人本人可以撤回" in r.content.decode()
    assert client_for("other_teacher").post(reverse("observations:withdraw", args=[obs.pk])).status_code == 404
    services.observation_withdraw(actor=scope_for(world.mentor.user), observation=obs)
    obs.refresh_from_db()
    assert obs.status == "draft"


def test_recording_needs_a_teacher_the_same_through_page_and_api(world, api_client_for, client_for):
    """A 教研员 without a teacher profile records nothing: 404 from the service, the API and the page."""
    from xiaoben.core.errors import NotPermitted
    from xiaoben.core.scope import scope_for

    data = services.ObservationInput(teacher=world.teacher, lesson_date=world.today, lesson_title="课")
    with pytest.raises(NotPermitted) as refused:
        services.observation_save(actor=scope_for(world.users["researcher"]), data=data, submit=False)
    assert refused.value.hides_object
    payload = {"teacher_id": world.teacher.pk, "lesson_date": str(world.today), "lesson_title": "课", "submit": False}
    assert api_client_for("researcher").post("/api/v1/observations/", payload, content_type="application/json").status_code == 404
