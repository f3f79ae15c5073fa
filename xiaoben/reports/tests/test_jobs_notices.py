"""A finished export tells the person who asked; a school summary also reaches the school's robot."""

import pytest

from xiaoben.core.models import Notification
from xiaoben.core.scope import build_scope
from xiaoben.messaging import services as messaging
from xiaoben.messaging.tests.fake_robot import FakeRobot
from xiaoben.reports import jobs


@pytest.fixture
def fake(settings):
    with FakeRobot() as robot:
        settings.ROBOT_EXTRA_URL_PREFIXES = (robot.base,)
        yield robot


def test_summary_ready_reaches_the_requester_and_the_school_robot(world, fake, django_capture_on_commit_callbacks):
    dean = world.users["dean"]
    messaging.robot_save(
        actor=build_scope(dean),
        kind="wecom",
        name="全体教师群",
        url=f"{fake.base}/send",
        kinds=["reports.summary_ready"],
        school_id=world.school.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.job_create(actor=build_scope(dean), user=dean, identifier="reports.summary_docx", params={"term": world.term.pk})
    job.refresh_from_db()
    assert job.status == "done"
    note = Notification.objects.get(recipient=dean, kind="reports.export_ready")
    assert "已生成" in note.text and note.url.endswith(f"/jobs/{job.token}/")
    [post] = fake.requests
    assert world.school.name in post["json"]["markdown"]["content"]
