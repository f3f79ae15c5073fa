"""四定, status transitions, leave, and the 学时 an activity earns."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from xiaoben.activities import services
from xiaoben.activities.models import ActivityStatus, Attendance
from xiaoben.core.models import Notification
from xiaoben.core.scope import scope_for
from xiaoben.hours.models import HourEntry

from .factories import TZ, make_activity


def test_four_fixed_names_what_is_missing(world):
    a = make_activity(world, publish=False, place="", recorder=None)
    with pytest.raises(ValidationError) as e:
        services.activity_publish(activity=a, actor=scope_for(world.users["leader"]))
    msg = e.value.messages[0]
    assert "四定" in msg and "地点" in msg and "记录人" in msg and "时间" not in msg
    a.refresh_from_db()
    assert a.status == ActivityStatus.PLANNED


def test_four_fixed_missing_time_and_host(world):
    a = make_activity(world, publish=False, starts_at=None, ends_at=None, host=None)
    assert services.missing_four_fixed(a) == ["时间", "主持人"]


def test_publish_notifies_invited_group(world):
    a = make_activity(world)
    assert a.status == ActivityStatus.PUBLISHED
    invited = set(Attendance.objects.filter(activity=a).values_list("teacher_id", flat=True))
    assert {world.leader.pk, world.mentor.pk, world.teacher.pk} <= invited
    assert world.colleague.pk not in invited
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="activities.published").exists()
    assert not Notification.objects.filter(recipient=world.users["leader"], kind="activities.published").exists()


def test_host_and_recorder_get_their_roles(world):
    a = make_activity(world)
    roles = dict(Attendance.objects.filter(activity=a).values_list("teacher_id", "role"))
    assert roles[world.leader.pk] == "host" and roles[world.mentor.pk] == "recorder" and roles[world.teacher.pk] == "participant"


def test_dates_outside_term_are_refused(world):
    with pytest.raises(ValidationError, match="不在"):
        make_activity(world, start=dt.datetime(2027, 3, 1, 10, tzinfo=TZ))


def test_cancel_tells_participants(world):
    a = make_activity(world)
    services.activity_cancel(activity=a, actor=scope_for(world.users["leader"]), reason="区教研活动冲突")
    n = Notification.objects.get(recipient=world.users["teacher"], kind__startswith="activities.cancelled")
    assert "区教研活动冲突" in n.text
    assert a.status == ActivityStatus.CANCELLED
    with pytest.raises(ValidationError):
        services.activity_publish(activity=a, actor=scope_for(world.users["leader"]))


def test_status_path_to_archive(world):
    a = make_activity(world)
    services.activity_mark_held(activity=a, actor=scope_for(world.users["leader"]))
    with pytest.raises(ValidationError, match="活动记录"):
        services.activity_record(activity=a, actor=scope_for(world.users["mentor"]))
    services.minutes_save(
        expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>研讨了单元整体教学。</p>", finish=True
    )
    assert a.status == ActivityStatus.RECORDED
    services.activity_archive(activity=a, actor=scope_for(world.users["leader"]))
    assert a.status == ActivityStatus.ARCHIVED
    with pytest.raises(ValidationError):
        services.activity_cancel(activity=a, actor=scope_for(world.users["leader"]))


def test_future_activity_cannot_be_held(world):
    a = make_activity(world, start=dt.datetime(2026, 11, 27, 15, 15, tzinfo=TZ))
    with pytest.raises(ValidationError, match="还没有开始"):
        services.activity_mark_held(activity=a, actor=scope_for(world.users["leader"]))


def _present(a, *teachers):
    for t in teachers:
        services.attendance_set(
            actor=scope_for(a.created_by),
            reason="补签测试",
            attendance=Attendance.objects.get(activity=a, teacher=t),
            status="present",
        )


def test_hours_credited_once_by_role_and_revoked_with_attendance(world):
    a = make_activity(world)
    _present(a, world.leader, world.mentor, world.teacher)
    services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", finish=True)
    services.activity_record(activity=a, actor=scope_for(world.users["leader"]))  # recording twice
    services.minutes_save(
        expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录（修改）</p>", finish=True
    )
    rows = dict(HourEntry.objects.filter(activity=a).values_list("teacher_id", "hours"))
    assert rows == {world.leader.pk: Decimal(3), world.mentor.pk: Decimal(2), world.teacher.pk: Decimal(2)}
    assert HourEntry.objects.filter(activity=a, teacher=world.teacher).count() == 1
    services.attendance_remove(actor=scope_for(world.users["leader"]), attendance=Attendance.objects.get(activity=a, teacher=world.teacher))
    assert not HourEntry.objects.filter(activity=a, teacher=world.teacher).exists()
    assert HourEntry.objects.filter(activity=a).count() == 2


def test_marking_absent_after_recording_removes_credit(world):
    a = make_activity(world)
    _present(a, world.teacher)
    services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", finish=True)
    assert HourEntry.objects.filter(activity=a, teacher=world.teacher).exists()
    services.attendance_set(
        actor=scope_for(world.users["dean"]),
        reason="补签测试",
        attendance=Attendance.objects.get(activity=a, teacher=world.teacher),
        status="absent",
    )
    assert not HourEntry.objects.filter(activity=a, teacher=world.teacher).exists()


def test_hours_follow_school_settings_per_kind(world):
    world.school.settings = {"activity_hours": {"participant": 1, "lecture": {"speaker": 5}}}
    world.school.save()
    a = make_activity(world, kind="lecture")
    att = Attendance.objects.get(activity=a, teacher=world.leader)
    services.attendance_set(actor=scope_for(world.users["dean"]), reason="补签测试", attendance=att, status="present", role="speaker")
    _present(a, world.teacher)
    services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>讲座记录</p>", finish=True)
    rows = dict(HourEntry.objects.filter(activity=a).values_list("teacher_id", "hours"))
    assert rows == {world.leader.pk: Decimal(5), world.teacher.pk: Decimal(1)}


def test_leave_request_and_approval(world):
    a = make_activity(world, start=dt.datetime(2026, 11, 27, 15, 15, tzinfo=TZ))
    att = Attendance.objects.get(activity=a, teacher=world.teacher)
    with pytest.raises(ValidationError):
        services.leave_request(actor=scope_for(world.users["teacher"]), attendance=att, reason="  ")
    leave = services.leave_request(actor=scope_for(world.users["teacher"]), attendance=att, reason="外出参加区赛课")
    assert Notification.objects.filter(recipient=world.users["leader"], kind="activities.leave_requested").exists()
    services.leave_decide(leave=leave, approve=True, actor=scope_for(world.users["leader"]))
    att.refresh_from_db()
    assert att.status == "leave"
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="activities.leave_approved").exists()
    with pytest.raises(ValidationError):
        services.leave_decide(leave=leave, approve=False, actor=scope_for(world.users["leader"]))


def test_invite_only_own_school(world):
    a = make_activity(world)
    n = services.activity_invite(
        actor=scope_for(world.users["dean"]), activity=a, group_ids=[world.math.pk], teacher_ids=[world.other_teacher.pk]
    )
    ids = set(Attendance.objects.filter(activity=a).values_list("teacher_id", flat=True))
    assert world.colleague.pk in ids and world.dean.pk in ids and world.other_teacher.pk not in ids
    assert n == 2


def test_minutes_are_sanitised(world):
    a = make_activity(world)
    m = services.minutes_save(
        expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html='<p onclick="x()">好<script>alert(1)</script></p>'
    )
    assert "script" not in m.body and "onclick" not in m.body and "好" in m.body
    with pytest.raises(ValidationError, match="不能为空"):
        services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p> </p>")


def test_attendance_sheet_xlsx(world, client_for):
    import io

    from openpyxl import load_workbook

    a = make_activity(world)
    _present(a, world.teacher)
    r = client_for("leader").get(f"/activities/{a.pk}/attendance.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "研修活动签到表" in values[0] and world.teacher.name in values and "已签到" in values and "电教室" in values


def test_minutes_attachment_type_checked(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoben.core.models import Attachment

    a = make_activity(world)
    c = client_for("mentor")
    r = c.post(f"/activities/{a.pk}/minutes/attach/", {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary")}, follow=True)
    assert "类型不被接受" in r.content.decode() and not Attachment.objects.exists()
    from xiaoben.core.samples import png_bytes

    png = png_bytes()
    c.post(f"/activities/{a.pk}/minutes/attach/", {"file": SimpleUploadedFile("现场.png", png)})
    att = Attachment.objects.get()
    assert client_for("teacher").get(f"/files/{att.pk}/").status_code == 200
    assert client_for("other_teacher").get(f"/files/{att.pk}/").status_code == 404
    assert client_for("teacher").post(f"/activities/{a.pk}/minutes/attach/", {"file": SimpleUploadedFile("a.png", png)}).status_code == 403


def test_autosave_keeps_saved_record(world, client_for):
    a = make_activity(world)
    services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>正式记录</p>")
    r = client_for("mentor").post(f"/activities/{a.pk}/minutes/autosave/", {"body": "<p>草稿<script>x</script></p>", "version": _v(a)})
    assert r.status_code == 200 and r.json()["ok"]
    a.minutes.refresh_from_db()
    assert a.minutes.body == "<p>正式记录</p>" and "草稿" in a.minutes.draft and "script" not in a.minutes.draft


def test_minutes_conflict_is_told(world):
    a = make_activity(world)
    m = services.minutes_save(expected_version=_v(a), activity=a, actor=scope_for(world.users["mentor"]), html="<p>一</p>")
    services.minutes_save(activity=a, actor=scope_for(world.users["leader"]), html="<p>二</p>", expected_version=m.version)
    with pytest.raises(ValidationError, match="已被他人修改"):
        services.minutes_save(activity=a, actor=scope_for(world.users["mentor"]), html="<p>三</p>", expected_version=m.version)


def test_regional_activity_spans_schools_and_credits_region_hours(world):
    from xiaoben.activities import predicates
    from xiaoben.activities.models import Activity
    from xiaoben.core.scope import scope_for
    from xiaoben.core.tenancy import visible_to

    start = dt.datetime(2026, 11, 18, 9, 50, tzinfo=TZ)
    a = services.activity_create(
        actor=scope_for(world.users["researcher"]), school=None, region=world.district, kind="regional", title="南湖区小学语文联片教研",
        starts_at=start, ends_at=start + dt.timedelta(hours=2), place="实验小学报告厅", host=world.leader, recorder=world.mentor,
    )  # fmt: skip
    n = services.activity_invite(
        actor=scope_for(world.users["researcher"]), activity=a, group_ids=[], teacher_ids=[world.teacher.pk, world.other_teacher.pk]
    )
    assert n == 1  # the other school is in another district
    services.activity_publish(activity=a, actor=scope_for(world.users["researcher"]))
    assert predicates.can_manage(scope_for(world.users["researcher"]), a)
    assert not predicates.can_manage(scope_for(world.users["other_researcher"]), a)
    assert not visible_to(world.users["other_teacher"], Activity).filter(pk=a.pk).exists()
    services.attendance_sign_in(activity=a, actor=scope_for(world.teacher.user))
    services.minutes_save(
        expected_version=_v(a), activity=a, actor=scope_for(world.users["researcher"]), html="<p>联片教研记录</p>", finish=True
    )
    entry = HourEntry.objects.get(activity=a, teacher=world.teacher)
    assert entry.category == "region" and entry.school_id == world.school.pk


def test_leader_home_shows_pending_leave_and_detail_shows_hours(world, client_for):
    a = make_activity(world, start=dt.datetime(2026, 11, 27, 15, 15, tzinfo=TZ))
    services.leave_request(
        actor=scope_for(world.users["teacher"]), attendance=Attendance.objects.get(activity=a, teacher=world.teacher), reason="外出培训"
    )
    body = client_for("leader").get("/").content.decode()
    assert "申请请假" in body and world.teacher.name in body
    assert "申请请假" not in client_for("colleague").get("/").content.decode()
    b = make_activity(world)
    _present(b, world.teacher)
    services.minutes_save(expected_version=_v(b), activity=b, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", finish=True)
    assert (
        "2.0学时" in client_for("teacher").get(f"/activities/{b.pk}/").content.decode()
        or "2学时" in client_for("teacher").get(f"/activities/{b.pk}/").content.decode()
    )


def _v(activity) -> int:
    """The version an editor opening the minutes now would carry."""
    from xiaoben.activities.models import ActivityMinutes

    return services.minutes_editor_state(ActivityMinutes.objects.filter(activity=activity).first())["version"]


def test_the_state_machine_is_one_table_the_page_loops_over(world, client_for):
    """Moves come from `flow.TRANSITIONS`: the buttons a person sees are the moves the service
    lets them make; a move they may not make is refused with who may (403, they see the activity),
    a move the status forbids a message."""
    from django.urls import reverse

    from xiaoben.activities import flow
    from xiaoben.core.errors import NotPermitted

    a = make_activity(world)  # published
    offered = {p: [t.action for t in flow.actions_for(scope_for(world.users[p]), a).transitions] for p in ("leader", "mentor", "teacher")}
    assert offered == {"leader": ["held", "cancel"], "mentor": ["held"], "teacher": []}  # mentor is the 记录人
    body = client_for("leader").get(reverse("activities:detail", args=[a.pk])).content.decode()
    assert 'data-testid="held"' in body and 'data-testid="cancel"' in body and 'data-testid="publish"' not in body
    with pytest.raises(NotPermitted):
        services.activity_transition(actor=scope_for(world.users["teacher"]), activity=a, action="held")
    assert client_for("teacher").post(reverse("activities:transition", args=[a.pk, "held"])).status_code == 403
    assert client_for("other_teacher").post(reverse("activities:transition", args=[a.pk, "held"])).status_code == 404
    with pytest.raises(ValidationError, match="只有已记录的活动可以归档"):
        services.activity_transition(actor=scope_for(world.users["leader"]), activity=a, action="archive")
    services.activity_transition(actor=scope_for(world.users["mentor"]), activity=a, action="held")
    a.refresh_from_db()
    assert a.status == ActivityStatus.HELD
    assert flow.actions_for(scope_for(world.users["leader"]), a).transitions == []
