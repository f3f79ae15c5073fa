"""A batch of paper records (the demo seed, a term's import): the rules and side effects of a submit."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from xiaoben.core.changes import changed
from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import Notification, TextFingerprint
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.observations import services
from xiaoben.observations.models import FeedbackFlag, Observation, ObservationScore
from xiaoben.observations.rubrics import rubric_for_school
from xiaoben.observations.similarity import KIND
from xiaoben.requirements.registry import get_metric

COPIED = "教师教学目标明确，重难点突出，课堂氛围活跃，学生参与积极，小组合作有效，板书设计清晰美观。"


def _row(world, observer, teacher, *, days_ago=1, entered_days_ago=None, check_copies=True, **kw):
    items = rubric_for_school(observer.school).items.all()
    day = world.today - dt.timedelta(days=days_ago)
    entered_day = world.today - dt.timedelta(days=days_ago if entered_days_ago is None else entered_days_ago)
    fields = {"lesson_title": "《秋天的雨》第二课时", "strengths": COPIED, "weaknesses": "小组合作时间偏短。", **kw}
    data = services.ObservationInput(teacher=teacher, lesson_date=day, points={i.pk: i.max_points for i in items}, **fields)
    entered = timezone.make_aware(dt.datetime.combine(entered_day, dt.time(9, 0)))
    return services.ObservationRecord(observer=observer, data=data, entered=entered, check_copies=check_copies)


def test_refuses_an_actor_who_does_not_run_the_school(world):
    rows = [_row(world, world.mentor, world.teacher)]
    for actor in (scope_for(world.mentor.user), scope_for(world.other_teacher.user)):
        with pytest.raises(NotPermitted):
            services.observations_record_many(actor=actor, rows=rows)
    assert not Observation.all_objects.exists()


@pytest.mark.parametrize(
    "change,message",
    [
        ({"lesson_title": ""}, "第2条：请填写课题"),
        ({"days_ago": -3}, "第2条：听课日期不能晚于今天"),
        ({"days_ago": 120}, "第2条：听课日期不在本校任何学期之内"),
        ({"kind": "picnic"}, "第2条：课型不正确"),
        ({"days_ago": 2, "entered_days_ago": 5}, "第2条：录入日期不能早于听课日期"),
    ],
)
def test_a_row_breaking_a_rule_refuses_the_batch(world, change, message):
    rows = [_row(world, world.mentor, world.teacher), _row(world, world.leader, world.teacher, **change)]
    with pytest.raises(ValidationError, match=message):
        services.observations_record_many(actor=SYSTEM, rows=rows)
    assert not Observation.all_objects.exists() and not TextFingerprint.objects.exists()


def test_own_lesson_and_another_schools_teacher_refused(world):
    for teacher, message in ((world.mentor, "不能给自己评课"), (world.other_teacher, "只能听本校教师的课")):
        with pytest.raises(ValidationError, match=message):
            services.observations_record_many(actor=SYSTEM, rows=[_row(world, world.mentor, teacher)])


def test_side_effects_of_a_submit(world):
    seen = []

    def listen(sender, pks, **kw):
        seen.extend(pks)

    changed.connect(listen, sender=Observation)
    try:
        rows = [
            _row(world, world.mentor, world.teacher, check_copies=False),
            _row(world, world.leader, world.teacher, days_ago=10, entered_days_ago=2),  # 补录, and a copy of the first
            _row(world, world.dean, world.teacher, strengths="很好", weaknesses=""),
        ]
        done = services.observations_record_many(actor=scope_for(world.users["principal"]), rows=rows)
    finally:
        changed.disconnect(listen, sender=Observation)
    first, late, short = done
    assert all(o.status == "submitted" and o.term_id == world.term.pk and o.total is not None for o in done)
    assert ObservationScore.objects.filter(observation__in=done).count() == 3 * len(rubric_for_school(world.school).items.all())
    assert late.is_backfilled and not first.is_backfilled
    first.refresh_from_db()
    assert first.created_at == first.submitted_at == rows[0].entered  # entered then, not now
    # fingerprints as `observation_save` leaves them: long feedback indexed, "很好" not
    assert TextFingerprint.objects.filter(kind=KIND, object_id=first.pk).exists()
    assert not TextFingerprint.objects.filter(kind=KIND, object_id=short.pk).exists()
    # the copy check ran for the rows that asked for it, against the whole batch
    assert FeedbackFlag.objects.filter(observation=late, similar_to=first).exists()
    assert not FeedbackFlag.objects.filter(observation=first).exists()
    assert Notification.objects.filter(kind="observations.feedback_flagged").exists()
    # counted like submitted records, and the kept counts and search index were told
    assert set(seen) == {o.pk for o in done}
    given = get_metric("observations.given").totals(school_id=world.school.pk, start=world.term.start_date, end=world.today)
    assert given[world.mentor.pk] == 1 and given[world.leader.pk] == 1
