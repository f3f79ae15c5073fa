"""Issue 14 follow-ups: the school's 补签期限 as a setting (page + API), the attendance API
saying how each attendance came to be, 列席 on the host screen (accept / remove there), the
休息日 badge on sign-in pages, searchable teacher pickers, a weekly series' topics at once."""

import datetime as dt
import json

import pytest
import time_machine
from django.urls import reverse

from xiaoben.activities import services
from xiaoben.activities.models import Activity, Attendance
from xiaoben.activities.services_slots import parse_topics, slot_create
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.org import services as org

from .factories import TZ, make_activity

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)


# ---------------------------------------------------------------- 补签期限 as a school setting


@pytest.mark.parametrize(
    ("persona", "status"), [("dean", 200), ("principal", 200), ("leader", 404), ("teacher", 404), ("other_teacher", 404)]
)
def test_settings_page_only_for_school_admins(world, client_for, persona, status):
    assert client_for(persona).get(reverse("activities:settings")).status_code == status


def test_settings_page_saves_the_fix_window(world, client_for):
    c = client_for("dean")
    r = c.post(reverse("activities:settings"), {"attendance_fix_days": "7"})
    assert r.status_code == 302
    world.school.refresh_from_db()
    assert world.school.setting("attendance_fix_days") == 7
    r = c.post(reverse("activities:settings"), {"attendance_fix_days": "-1"})
    assert r.status_code == 200 and "0" in r.content.decode()
    world.school.refresh_from_db()
    assert world.school.setting("attendance_fix_days") == 7  # nothing half-saved


def test_settings_page_queries(world, client_for):
    assert_queries(client_for("dean"), reverse("activities:settings"), budget=12)


def test_settings_api_read_and_write(world, api_client_for):
    url = "/api/v1/activities/settings"
    r = api_client_for("teacher").get(url)
    assert r.status_code == 200 and r.json() == {"school_id": world.school.pk, "attendance_fix_days": 3}
    body = json.dumps({"attendance_fix_days": 10})
    assert api_client_for("teacher").put(url, body, content_type="application/json").status_code == 403
    assert api_client_for("leader").put(url, body, content_type="application/json").status_code == 403
    r = api_client_for("dean").put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json()["attendance_fix_days"] == 10
    too_long = json.dumps({"attendance_fix_days": 365})
    assert api_client_for("dean").put(url, too_long, content_type="application/json").status_code in (400, 422)
    # another school's settings are not there for them
    assert api_client_for("other_teacher").get(f"{url}?school_id={world.school.pk}").status_code == 404


# ---------------------------------------------------------------- attendance API provenance


def test_attendance_api_says_how(world, api_client_for):
    a = make_activity(world, start=T0)
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        services.attendance_sign_in(activity=a, actor=scope_for(world.mentor.user))

    x = Attendance.objects.get(activity=a, teacher=world.teacher)
    services.attendance_set(attendance=x, actor=scope_for(world.users["leader"]), status="present", reason="扫码时手机没电")
    rows = {r["teacher_id"]: r for r in api_client_for("leader").get(f"/api/v1/activities/{a.pk}/attendance").json()}
    scan, manual = rows[world.mentor.pk], rows[world.teacher.pk]
    assert (scan["method"], scan["method_display"], scan["is_guest"]) == ("scan", "扫码", False)
    assert scan["signed_in_at"] is not None
    assert (manual["method"], manual["reason"], manual["signed_in_at"]) == ("manual", "扫码时手机没电", None)
    assert manual["marked_by"] == world.users["leader"].display_name and manual["marked_at"]


# ---------------------------------------------------------------- 列席 on the host screen


def _guest(world):
    a = make_activity(world, start=T0)
    outsider = org.teacher_create(actor=SYSTEM, school=world.school, staff_no="777", name="列席者", gender="M")
    with time_machine.travel(T0 + dt.timedelta(minutes=5), tick=False):
        g = services.attendance_sign_in(activity=a, actor=scope_for(outsider.user))
    return a, g


def test_host_screen_labels_guests_and_lets_the_host_accept(world, client_for):
    a, g = _guest(world)
    c = client_for("leader")  # the host
    html = c.get(reverse("activities:host_qr", args=[a.pk])).content.decode()
    assert f'data-testid="guest-{g.teacher_id}"' in html and "列席" in html and 'data-testid="guest-accept"' in html
    r = c.post(reverse("activities:attendance_update", args=[g.pk]), {"accept": "1", "next": "host"})
    assert r.status_code == 302 and r.url == reverse("activities:host_screen", args=[a.pk])
    g.refresh_from_db()
    assert not g.is_guest
    html = c.get(reverse("activities:host_qr", args=[a.pk])).content.decode()
    assert f'data-testid="guest-{g.teacher_id}"' not in html and f'data-testid="present-{g.teacher_id}"' in html


def test_host_screen_remove_guest(world, client_for):
    _a, g = _guest(world)
    client_for("leader").post(reverse("activities:attendance_update", args=[g.pk]), {"remove": "1", "next": "host"})
    assert not Attendance.objects.filter(pk=g.pk).exists()


def test_host_screen_recorder_sees_guest_without_buttons(world, client_for):
    a, g = _guest(world)
    html = client_for("mentor").get(reverse("activities:host_qr", args=[a.pk])).content.decode()  # 记录人 may show the code
    assert f'data-testid="guest-{g.teacher_id}"' in html and 'data-testid="guest-accept"' not in html


# ---------------------------------------------------------------- 休息日 on sign-in pages


def test_sign_in_pages_mark_a_day_off(world, client_for):
    saturday = dt.datetime(2026, 11, 21, 9, 0, tzinfo=TZ)
    a = make_activity(world, start=saturday)
    html = client_for("leader").get(reverse("activities:host_screen", args=[a.pk])).content.decode()
    assert 'data-testid="day-off"' in html and "休息日" in html
    html = client_for("teacher").get(reverse("activities:checkin", args=[a.pk])).content.decode()
    assert 'data-testid="day-off"' in html
    b = make_activity(world, start=T0)  # a Wednesday
    assert 'data-testid="day-off"' not in client_for("leader").get(reverse("activities:host_screen", args=[b.pk])).content.decode()


# ---------------------------------------------------------------- pickers


def test_teacher_pickers_carry_initials_and_put_group_members_first(world, client_for):
    html = client_for("leader").get(reverse("activities:create")).content.decode()
    assert 'data-picker="teacher"' in html
    assert f'data-initials="{world.teacher.name_initials}"' in html
    start = html.index('name="host"')
    host_select = html[start : html.index("</select>", start)]
    names = [chunk.split('data-name="')[1].split('"')[0] for chunk in host_select.split("<option")[1:] if 'data-name="' in chunk]
    members = [world.leader.name, world.mentor.name, world.teacher.name]  # 语文组, the leader's group
    others = [world.principal.name, world.dean.name, world.colleague.name]
    assert max(names.index(m) for m in members) < min(names.index(o) for o in others)
    assert "·本组）" in host_select


def test_invite_picker_is_searchable(world, client_for):
    a = make_activity(world, start=T0)
    html = client_for("leader").get(reverse("activities:detail", args=[a.pk])).content.decode()
    block = html[html.index('name="teachers"') - 200 :]
    assert 'data-picker="teacher"' in block[:400] and "data-initials=" in block


# ---------------------------------------------------------------- a series' topics at once


def test_parse_topics():
    in_order, by_week = parse_topics("1. 识字教学\n\n第6周：期中复习\n阅读策略\n")
    assert in_order == ["识字教学", "阅读策略"] and by_week == {6: "期中复习"}


def test_slot_topics_one_line_per_week(world):
    slot, _made = slot_create(
        actor=scope_for(world.users["leader"]),
        school=world.school,
        term=world.term,
        group=world.chinese,
        kind="lesson_prep",
        title="集体备课",
        weekday=4,
        period=3,
        place="语文组办公室",
        host=world.leader,
        recorder=world.mentor,
        start=dt.date(2026, 11, 18),
        topics="第七单元 识字\n第八单元 阅读\n",
    )
    titles = list(Activity.objects.filter(slot=slot).order_by("starts_at").values_list("title", flat=True))
    assert titles[:2] == ["第七单元 识字", "第八单元 阅读"]
    assert all(t == "集体备课" for t in titles[2:])


def test_slot_form_takes_topics(world, client_for):
    r = client_for("leader").post(
        reverse("activities:slot_new"),
        {
            "group": world.chinese.pk,
            "kind": "lesson_prep",
            "title": "集体备课",
            "weekday": 4,
            "period": 3,
            "place": "语文组办公室",
            "host": world.leader.pk,
            "recorder": world.mentor.pk,
            "start": "2026-11-18",
            "topics": "《古诗三首》\n《富饶的西沙群岛》",
            "publish": "on",
        },
    )
    assert r.status_code == 302
    first = Activity.objects.filter(group=world.chinese, slot__isnull=False).order_by("starts_at").first()
    assert first.title == "《古诗三首》"
