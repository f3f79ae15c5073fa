"""How each attendance came to be (issue 14, item 2): 扫码 vs 补签 (who, when, why),
请假, 缺席 when the activity is recorded, 列席 for the uninvited, a school-set window
for the host, history kept, and the 签到表 saying it all."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from xiaoben.activities import exports, services
from xiaoben.activities.models import Attendance
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours.models import HourEntry
from xiaoben.org import services as org

from .factories import TZ, make_activity

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


def att(a, teacher):
    return Attendance.objects.get(activity=a, teacher=teacher)


def test_manual_present_is_a_buqian_with_reason_and_marker(world):
    a = make_activity(world, start=T0)
    host = scope_for(world.users["leader"])  # the leader hosts
    with pytest.raises(Exception, match="补签须填写原因"):
        services.attendance_set(attendance=att(a, world.teacher), actor=host, status="present")
    x = services.attendance_set(attendance=att(a, world.teacher), actor=host, status="present", reason="扫码时手机没电")
    assert (x.method, x.reason, x.marked_by_id, x.signed_in_at) == ("manual", "扫码时手机没电", world.users["leader"].pk, None)
    assert (x.history.first().status, x.history.first().reason) == ("present", "扫码时手机没电")  # the change is kept


def test_recorder_and_ordinary_teachers_may_not_buqian(world):
    a = make_activity(world, start=T0)
    for persona in ("mentor", "colleague"):  # mentor is the 记录人
        with pytest.raises(NotPermitted):
            services.attendance_set(attendance=att(a, world.teacher), actor=scope_for(world.users[persona]), status="present", reason="x")


def test_window_then_only_admins(world):
    a = make_activity(world, start=T0)
    with time_machine.travel(T0 + dt.timedelta(days=5), tick=False):
        with pytest.raises(NotPermitted, match="补签期限已过"):
            services.attendance_set(
                attendance=att(a, world.teacher), actor=scope_for(world.users["leader"]), status="present", reason="迟到"
            )
        x = services.attendance_set(
            attendance=att(a, world.teacher), actor=scope_for(world.users["dean"]), status="present", reason="核实后补登"
        )
        assert x.method == "manual"
    world.school.settings = {**world.school.settings, "attendance_fix_days": 7}
    world.school.save()
    a.refresh_from_db()
    with time_machine.travel(T0 + dt.timedelta(days=5), tick=False):
        services.attendance_set(attendance=att(a, world.mentor), actor=scope_for(world.users["leader"]), status="present", reason="迟到")


def test_invited_who_did_not_come_become_absent_when_recorded(world):
    a = make_activity(world, start=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        services.attendance_sign_in(activity=a, actor=scope_for(world.mentor.user))
    services.minutes_save(activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", expected_version=0, finish=True)
    services.activity_record(activity=a, actor=scope_for(world.users["leader"]))
    assert att(a, world.mentor).method == "scan"
    assert att(a, world.teacher).status == "absent"


def test_uninvited_scanner_is_a_guest_until_accepted(world):
    a = make_activity(world, start=T0)
    outsider = org.teacher_create(actor=SYSTEM, school=world.school, staff_no="777", name="列席者", gender="M")
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        g = services.attendance_sign_in(activity=a, actor=scope_for(outsider.user))
    assert g.is_guest and g.method == "scan"
    services.minutes_save(activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", expected_version=0, finish=True)
    services.activity_record(activity=a, actor=scope_for(world.users["leader"]))
    assert not HourEntry.objects.filter(activity=a, teacher=outsider).exists()  # not credited silently
    services.attendance_set(attendance=g, actor=scope_for(world.users["leader"]), accept=True)
    assert HourEntry.objects.filter(activity=a, teacher=outsider).exists()


def test_list_and_export_show_how(world, client_for):
    a = make_activity(world, start=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        services.attendance_sign_in(activity=a, actor=scope_for(world.mentor.user))
    services.attendance_set(attendance=att(a, world.teacher), actor=scope_for(world.users["leader"]), status="present", reason="网络故障")
    html = client_for("leader").get(f"/activities/{a.pk}/").content.decode()
    assert "扫码 10:05" in html and "补签（" in html and "网络故障" in html
    wb = load_workbook(io.BytesIO(exports.attendance_xlsx(a)))
    text = " ".join(str(c.value) for row in wb.active.iter_rows() for c in row if c.value)
    assert "签到方式" in text and "扫码" in text and "补签" in text and "网络故障" in text
