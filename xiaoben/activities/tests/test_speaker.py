"""中心发言人 is a field of its own (the 四定 names 主持人 and 中心发言人 separately):
the speaker signs in with the speaker role and counts as having spoken (issue 14, item 9)."""

import pytest

from xiaoben.activities.models import Attendance

from .factories import make_activity

pytestmark = pytest.mark.django_db


def test_speaker_is_its_own_field_and_role(world, client_for):
    a = make_activity(world, kind="lesson_prep", title="集体备课：《秋天的雨》", speaker=world.teacher)
    assert a.speaker_id == world.teacher.pk and a.host_id == world.leader.pk
    assert Attendance.objects.get(activity=a, teacher=world.teacher).role == "speaker"
    html = client_for("leader").get(f"/activities/{a.pk}/").content.decode()
    assert "中心发言人" in html and world.teacher.name in html
    form = client_for("leader").get(f"/activities/{a.pk}/edit/").content.decode()
    assert 'name="speaker"' in form
