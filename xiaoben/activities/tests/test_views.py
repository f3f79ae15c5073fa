"""Every activities page × every persona, and query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.activities import services, services_prep
from xiaoben.activities.models import Attendance
from xiaoben.activities.services_slots import slot_create
from xiaoben.core.scope import SYSTEM, scope_for

from .factories import TZ, make_activity

ALL = [
    "anonymous",
    "platform_admin",
    "researcher",
    "other_researcher",
    "principal",
    "dean",
    "leader",
    "mentor",
    "teacher",
    "colleague",
    "other_teacher",
]


def expect(ok: set[str], *, anon: int = 302, no: int = 404) -> dict[str, int]:
    return {p: (anon if p == "anonymous" else 200 if p in ok else no) for p in ALL}


SCHOOL = {"platform_admin", "principal", "dean", "leader", "mentor", "teacher", "colleague"}
READERS = SCHOOL | {"researcher"}
RUNNERS = {"platform_admin", "principal", "dean", "leader", "mentor"}  # organisers + host/recorder
MANAGERS = {"platform_admin", "principal", "dean", "leader"}
CREATORS = {"platform_admin", "principal", "dean", "leader", "mentor"}  # admins and group leaders
TEACHERS = {"principal", "dean", "leader", "mentor", "teacher", "colleague", "other_teacher"}


@pytest.fixture
def objs(world):
    a = make_activity(world)
    services.minutes_save(expected_version=0, activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>")
    prep = services_prep.prep_create(
        actor=scope_for(world.users["mentor"]),
        school=world.school,
        term=world.term,
        title="西沙群岛",
        lead=world.mentor,
        group=world.prep,
        body="初稿",
    )
    series = services_prep.series_create(
        actor=scope_for(world.users["leader"]),
        school=world.school,
        term=world.term,
        kind="multi_round",
        title="《秋天的雨》一课多研",
        group=world.chinese,
    )
    services_prep.round_add(actor=scope_for(world.users["leader"]), series=series, activity=a)
    return {"a": a, "prep": prep, "version": prep.versions.get(), "series": series}


PAGES = [
    ("activities:list", None, expect(SCHOOL | {"researcher", "other_teacher", "other_researcher"})),
    ("activities:create", None, expect(CREATORS)),
    ("activities:detail", "a", expect(READERS)),
    ("activities:edit", "a", expect(MANAGERS)),
    ("activities:host_screen", "a", expect(RUNNERS)),
    ("activities:host_qr", "a", expect(RUNNERS)),
    ("activities:minutes", "a", expect(RUNNERS)),
    ("activities:export", "a", expect(RUNNERS)),
    ("activities:checkin", "a", expect(SCHOOL - {"platform_admin"})),
    ("activities:slot_new", None, expect(CREATORS - {"platform_admin"})),
    ("activities:week", None, expect(TEACHERS, no=302)),
    ("activities:month", None, expect(TEACHERS, no=302)),
    ("activities:school_term", None, expect(SCHOOL | {"other_teacher"})),
    ("activities:monthly", None, expect(SCHOOL | {"other_teacher"})),
    ("activities:calendar_feed", None, expect(TEACHERS)),
    ("activities:outside_reports", None, expect({"platform_admin", "principal", "dean"})),
    ("activities:prep_list", None, expect(set(ALL) - {"anonymous"})),
    ("activities:prep_create", None, expect(TEACHERS | {"platform_admin"})),
    ("activities:prep_detail", "prep", expect(READERS)),
    ("activities:version_compare", "prep", expect(READERS)),
    ("activities:version_detail", "version", expect(READERS)),
    ("activities:series_list", None, expect(set(ALL) - {"anonymous"})),
    ("activities:series_create", None, expect(CREATORS)),
    ("activities:series_detail", "series", expect(READERS)),
]


@pytest.mark.parametrize("name,obj,expected", PAGES, ids=[p[0] for p in PAGES])
def test_page_matrix(objs, client_for, name, obj, expected):
    url = reverse(name, args=[objs[obj].pk] if obj else [])
    for persona in ALL:
        r = client_for(persona).get(url)
        assert r.status_code == expected[persona], f"{persona}: {r.status_code}"


def test_group_term_matrix(world, client_for):
    url = reverse("activities:group_term", args=[world.chinese.pk])
    for persona, status in expect(READERS).items():
        assert client_for(persona).get(url).status_code == status, persona


# (route, args, who may, who sees it): the service refuses those who see the record with the
# reason (403) and the others as if it did not exist (404).
POSTS = [
    ("activities:transition", lambda o: [o["a"].pk, "held"], MANAGERS | {"mentor"}, READERS),
    ("activities:invite", lambda o: [o["a"].pk], MANAGERS, READERS),
    ("activities:minutes_autosave", lambda o: [o["a"].pk], RUNNERS, READERS),
    ("activities:version_create", lambda o: [o["prep"].pk], {"principal", "dean", "leader", "mentor", "teacher", "colleague"}, READERS),
    ("activities:round_add", lambda o: [o["series"].pk], MANAGERS, READERS),
    ("activities:minutes_attach", lambda o: [o["a"].pk], RUNNERS, READERS),
    ("activities:transition", lambda o: [o["a"].pk, "archive"], MANAGERS, READERS),
    ("activities:leave", lambda o: [o["a"].pk], {"leader", "mentor", "teacher"}, set()),  # the invited 语文组
    ("activities:calendar_feed", lambda o: [], TEACHERS, set()),
]


def _minutes_version(activity) -> int:
    from xiaoben.activities import services
    from xiaoben.activities.models import ActivityMinutes

    return services.minutes_editor_state(ActivityMinutes.objects.filter(activity=activity).first())["version"]


@pytest.mark.parametrize("name,args,ok,sees", POSTS, ids=[p[0] for p in POSTS])
def test_post_matrix(objs, client_for, name, args, ok, sees):
    url = reverse(name, args=args(objs))
    for persona in ALL:
        data = {"body": "修改稿", "version": _minutes_version(objs["a"]), "activity": objs["a"].pk}  # a complete form: the service decides
        r = client_for(persona).post(url, data)
        if persona == "anonymous":
            assert r.status_code == 302 and "/accounts/login/" in r.url
        elif persona in ok:
            assert r.status_code in (200, 302), persona
        else:
            assert r.status_code == (403 if persona in sees else 404), persona


def test_attendance_and_leave_posts(world, objs, client_for):
    a = objs["a"]
    att = Attendance.objects.get(activity=a, teacher=world.teacher)
    url = reverse("activities:attendance_update", args=[att.pk])
    assert client_for("teacher").post(url, {"status": "present"}).status_code == 403  # sees it, may not mark
    assert client_for("other_teacher").post(url, {"status": "present"}).status_code == 404
    # the 记录人 may not 补签 (issue 14 item 2); the 主持人 may, with a reason
    assert client_for("mentor").post(url, {"status": "present", "reason": "网络故障"}).status_code == 403
    assert client_for("leader").post(url, {"status": "present"}).status_code == 302
    att.refresh_from_db()
    assert att.status == "invited"  # no reason: refused
    assert client_for("leader").post(url, {"status": "present", "reason": "网络故障"}).status_code == 302
    att.refresh_from_db()
    assert (att.status, att.method, att.reason, att.signed_in_at) == ("present", "manual", "网络故障", None)
    future = make_activity(world, start=dt.datetime(2026, 11, 27, 15, 15, tzinfo=TZ))
    assert client_for("teacher").post(reverse("activities:leave", args=[future.pk]), {"reason": "病假"}).status_code == 302
    leave = Attendance.objects.get(activity=future, teacher=world.teacher).leave
    decide = reverse("activities:leave_decide", args=[leave.pk])
    assert client_for("teacher").post(decide, {"approve": "1"}).status_code == 403  # their own leave: not theirs to decide
    assert client_for("other_teacher").post(decide, {"approve": "1"}).status_code == 404
    assert client_for("leader").post(decide, {"approve": "1"}).status_code == 302
    leave.refresh_from_db()
    assert leave.state == "approved"


def test_publish_button_shows_missing_four_fixed(world, client_for):
    a = make_activity(world, publish=False, place="")
    r = client_for("leader").post(reverse("activities:transition", args=[a.pk, "publish"]), follow=True)
    assert "缺少地点" in r.content.decode()


def test_create_and_publish_through_form(world, client_for):
    r = client_for("leader").post(
        reverse("activities:create"),
        {
            "kind": "open_lesson",
            "lesson_kind": "research",
            "title": "《秋天的雨》研讨课",
            "group": world.chinese.pk,
            "starts_at": "2026-11-25T14:20",
            "ends_at": "2026-11-25T15:00",
            "place": "录播教室",
            "host": world.teacher.pk,
            "recorder": world.mentor.pk,
            "publish": "1",
        },
    )
    assert r.status_code == 302
    from xiaoben.activities.models import Activity

    a = Activity.objects.get(title="《秋天的雨》研讨课")
    assert a.status == "published" and a.term == world.term
    # a 教研组长 cannot organise for a group they don't lead
    r = client_for("leader").post(reverse("activities:create"), {"kind": "seminar", "title": "x", "group": world.math.pk})
    assert r.status_code == 200 and not Activity.objects.filter(title="x").exists()


def test_slot_form_schedules_the_term(world, client_for):
    r = client_for("leader").post(
        reverse("activities:slot_new"),
        {
            "group": world.chinese.pk,
            "kind": "lesson_prep",
            "title": "集体备课",
            "weekday": 4,
            "period": 3,
            "place": "电教室",
            "host": world.leader.pk,
            "recorder": world.mentor.pk,
            "start": "2026-11-18",
            "publish": "on",
        },
    )
    assert r.status_code == 302
    from xiaoben.activities.models import Activity

    assert Activity.objects.filter(group=world.chinese, kind="lesson_prep").count() == 9  # 11-20 … 01-22, not 元旦


def test_ics_feed_by_secret_token(world, client_for, client):
    make_activity(world)
    c = client_for("teacher")
    c.post(reverse("activities:calendar_feed"))
    from xiaoben.activities.models import CalendarFeed

    token = CalendarFeed.objects.get(teacher=world.teacher).token
    r = client.get(reverse("activities:ics", args=[token]))
    body = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and "电教室" in body and "DTSTART:20261118T020000Z" in body
    assert client.get(reverse("activities:ics", args=["nope"])).status_code == 404


def test_monthly_plan_collapses_slots(world, client_for):
    slot_create(
        actor=scope_for(world.users["leader"]),
        school=world.school,
        term=world.term,
        group=world.chinese,
        kind="lesson_prep",
        title="集体备课",
        weekday=4,
        period=7,
        place="电教室",
        host=world.leader,
        recorder=world.mentor,
        start=world.term.start_date,
    )
    make_activity(world, kind="lecture", title="杨校长“建构理论”讲座")
    body = client_for("teacher").get(reverse("activities:monthly")).content.decode()
    assert "九月份" in body and "十一月份" in body and "每周五第7节" in body and "共4次" in body and "建构理论" in body


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "name",
    ["activities:list", "activities:week", "activities:month", "activities:school_term", "activities:monthly", "activities:prep_list"],
)
def test_query_counts_constant(world, client_for, name):
    c = client_for("leader")
    url = reverse(name)
    make_activity(world)
    services_prep.prep_create(
        actor=scope_for(world.users["mentor"]), school=world.school, term=world.term, title="课", lead=world.mentor, body="稿"
    )
    c.get(url)
    before = _count(c, url)
    slot_create(
        actor=scope_for(world.users["leader"]),
        school=world.school,
        term=world.term,
        group=world.chinese,
        kind="lesson_prep",
        title="集体备课",
        weekday=2,
        period=3,
        place="电教室",
        host=world.leader,
        recorder=world.mentor,
        start=world.term.start_date,
    )
    for i in range(4):
        make_activity(world, title=f"研讨{i}", start=dt.datetime(2026, 11, 16 + i, 14, tzinfo=TZ))
        services_prep.prep_create(
            actor=scope_for(world.users["mentor"]), school=world.school, term=world.term, title=f"课{i}", lead=world.mentor, body="稿"
        )
    assert _count(c, url) == before


def test_group_term_query_count_constant(world, client_for):
    c = client_for("teacher")
    url = reverse("activities:group_term", args=[world.chinese.pk])
    make_activity(world)
    c.get(url)
    before = _count(c, url)
    for i in range(6):
        make_activity(world, title=f"研讨{i}", start=dt.datetime(2026, 11, 16 + i, 14, tzinfo=TZ))
    assert _count(c, url) == before


def test_home_card_for_teacher(world, client_for):
    make_activity(world, start=dt.datetime(2026, 11, 19, 15, 15, tzinfo=TZ))
    body = client_for("teacher").get("/").content.decode()
    assert "近两周的研修活动" in body and "生本课堂" in body


def test_ics_leaves_out_own_leave_only(world, client_for, client):
    from xiaoben.activities.models import CalendarFeed

    a = make_activity(world, start=dt.datetime(2026, 11, 27, 15, 15, tzinfo=TZ))
    b = make_activity(world, title="读书汇报会", start=dt.datetime(2026, 11, 26, 15, 15, tzinfo=TZ))
    services.leave_decide(
        leave=services.leave_request(
            actor=scope_for(world.users["teacher"]), attendance=Attendance.objects.get(activity=a, teacher=world.teacher), reason="病假"
        ),
        approve=True,
        actor=scope_for(world.users["leader"]),
    )
    client_for("mentor").post(reverse("activities:calendar_feed"))
    body = client.get(reverse("activities:ics", args=[CalendarFeed.objects.get(teacher=world.mentor).token])).content.decode()
    assert f"activity-{a.pk}@" in body and f"activity-{b.pk}@" in body  # someone else's leave doesn't hide it
    client_for("teacher").post(reverse("activities:calendar_feed"))
    body = client.get(reverse("activities:ics", args=[CalendarFeed.objects.get(teacher=world.teacher).token])).content.decode()
    assert f"activity-{a.pk}@" not in body and f"activity-{b.pk}@" in body


def test_detail_and_host_screen_query_counts_constant(world, client_for):
    from xiaoben.org import services as org

    a = make_activity(world)
    c = client_for("leader")
    urls = [reverse("activities:detail", args=[a.pk]), reverse("activities:host_qr", args=[a.pk])]
    for u in urls:
        c.get(u)
    before = [_count(c, u) for u in urls]
    extra = [org.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"8{i:02d}", name=f"教师{i}", gender="F") for i in range(12)]
    services.activity_invite(actor=SYSTEM, activity=a, group_ids=[], teacher_ids=[t.pk for t in extra])
    for t in extra[:6]:
        services.attendance_set(
            actor=scope_for(world.users["dean"]),
            reason="补签测试",
            attendance=Attendance.objects.get(activity=a, teacher=t),
            status="present",
        )
    assert [_count(c, u) for u in urls] == before


def test_checkin_token_matrix(objs, client_for):
    from xiaoben.activities import signin

    a = objs["a"]
    bad = reverse("activities:checkin_token", args=[a.pk, "0" * 20])
    good = reverse("activities:checkin_token", args=[a.pk, signin.token_for(a.pk)])
    for persona in ALL:
        assert client_for(persona).get(bad).status_code == 410, persona
        assert client_for(persona).get(good).status_code == 302, persona  # the check-in page itself is behind the door


def test_minutes_page_offers_finish_from_the_state_machine(world, client_for):
    """保存并完成 comes from flow.FINISH (the template tests no status): a published activity that
    has started offers it; once recorded, saving is offered without it."""
    a = make_activity(world)  # 2026-11-18 10:00, frozen time is later that day
    page = client_for("mentor").get(reverse("activities:minutes", args=[a.pk])).content.decode()
    assert 'data-testid="finish"' in page
    services.minutes_save(expected_version=0, activity=a, actor=scope_for(world.users["mentor"]), html="<p>记录</p>", finish=True)
    page = client_for("mentor").get(reverse("activities:minutes", args=[a.pk])).content.decode()
    assert 'data-testid="finish"' not in page and "保存记录" in page
