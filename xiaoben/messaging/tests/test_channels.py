"""Robots, e-mail, preferences, quiet hours, retries — against a fake robot server on 127.0.0.1."""

import base64
import datetime as dt
import hashlib
import hmac
import logging
from urllib.parse import unquote_plus

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xiaoben.core.models import Notification
from xiaoben.core.notifications import notification_type, notify
from xiaoben.core.scope import build_scope
from xiaoben.core.testing import assert_queries
from xiaoben.messaging import services
from xiaoben.messaging.models import Delivery, DeliveryStatus, Robot
from xiaoben.messaging.robots import dingtalk_signed_url
from xiaoben.messaging.scheduled import run_tick

from .fake_robot import FakeRobot

notification_type(
    "messaging.test_event",
    label=_("测试事件"),
    text=_("%(title)s 已发布"),
    default_channels=("app", "email"),
    robot_text=_("#### 活动发布\n%(title)s"),
)


@pytest.fixture
def fake(settings):
    with FakeRobot() as robot:
        settings.ROBOT_EXTRA_URL_PREFIXES = (robot.base,)
        yield robot


@pytest.fixture
def emails(world):
    for name in ("teacher", "dean", "leader", "mentor"):
        u = world.users[name]
        u.email = f"{name}@school.example"
        u.save(update_fields=["email"])


def add_robot(world, fake, kind="wecom", secret="", **kw):
    dean = build_scope(world.users["dean"])
    return services.robot_save(
        actor=dean,
        kind=kind,
        name="全体教师群",
        url=f"{fake.base}/cgi-bin/webhook/send?key=SECRETKEY123",
        secret=secret,
        kinds=["messaging.test_event"],
        school_id=world.school.pk,
        **kw,
    )


def send_event(world, title="语文组集体备课"):
    class Target:
        school_id = world.school.pk
        group_id = None
        region_id = None
        pk = None

    return notify(
        "messaging.test_event", recipients=[world.users["teacher"]], target=Target(), context={"title": title}, url="/activities/"
    )


def test_wecom_robot_gets_markdown(world, fake, django_capture_on_commit_callbacks):
    add_robot(world, fake)
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    [req] = fake.requests
    assert req["json"]["msgtype"] == "markdown"
    assert "语文组集体备课" in req["json"]["markdown"]["content"]
    assert "/activities/" in req["json"]["markdown"]["content"]  # a link back
    assert Delivery.objects.get(channel="robot").status == DeliveryStatus.SENT


def test_dingtalk_robot_is_signed(world, fake, django_capture_on_commit_callbacks):
    add_robot(world, fake, kind="dingtalk", secret="SECxyz")
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    [req] = fake.requests
    assert req["json"]["markdown"]["title"] == "测试事件"
    ts = req["query"]["timestamp"]
    expected = base64.b64encode(hmac.new(b"SECxyz", f"{ts}\nSECxyz".encode(), hashlib.sha256).digest()).decode()
    assert req["query"]["sign"] == expected


def test_dingtalk_signature_matches_the_documented_recipe():
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=t", "SEC1", now_ms=1700000000000)
    sign = unquote_plus(url.split("sign=")[1])
    assert sign == base64.b64encode(hmac.new(b"SEC1", b"1700000000000\nSEC1", hashlib.sha256).digest()).decode()
    assert "&timestamp=1700000000000&" in url


def test_robot_url_and_secret_are_encrypted_and_masked(world, fake):
    robot = add_robot(world, fake, kind="dingtalk", secret="SECxyz")
    raw = Robot.objects.values("url_encrypted", "secret_encrypted").get(pk=robot.pk)
    assert "SECRETKEY123" not in raw["url_encrypted"] and "SECxyz" not in raw["secret_encrypted"]
    assert robot.url.endswith("SECRETKEY123")
    assert robot.url_masked.startswith("••") and "cgi-bin" not in robot.url_masked


def test_robots_page_never_shows_the_url_or_secret(world, fake, client_for):
    add_robot(world, fake, kind="dingtalk", secret="SECxyz")
    html = client_for("dean").get("/messaging/robots/").content.decode()
    assert "全体教师群" in html
    assert "SECRETKEY123"[:6] not in html.replace("EY123", "") and "SECxyz" not in html


def test_rate_limited_robot_retries_with_backoff_then_succeeds(world, fake, django_capture_on_commit_callbacks):
    add_robot(world, fake)
    fake.answers = [45009]
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    d = Delivery.objects.get(channel="robot")
    assert d.status == DeliveryStatus.PENDING and d.attempts == 1
    assert "太频繁" in d.response
    assert d.next_attempt_at > timezone.now()
    run_tick(only=["none"])  # not due yet: nothing sent
    assert len(fake.requests) == 1
    run_tick(now=d.next_attempt_at + dt.timedelta(seconds=1), only=["none"])
    d.refresh_from_db()
    assert d.status == DeliveryStatus.SENT and d.attempts == 2 and len(fake.requests) == 2


def test_wrong_keyword_fails_at_once_and_tells_the_admin_in_chinese(world, fake, django_capture_on_commit_callbacks):
    robot = add_robot(world, fake, kind="dingtalk", secret="S")
    fake.answers = [310000]
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    d = Delivery.objects.get(channel="robot")
    assert d.status == DeliveryStatus.FAILED and "关键词" in d.response
    robot.refresh_from_db()
    assert "关键词" in robot.last_error
    warn = Notification.objects.get(recipient=world.users["dean"], kind="messaging.robot_failed")
    assert "全体教师群" in warn.text and "关键词" in warn.text


def test_unreachable_robot_is_retried_and_gives_up_after_five(world, settings, django_capture_on_commit_callbacks):
    settings.ROBOT_EXTRA_URL_PREFIXES = ("http://127.0.0.1:9/",)
    services.robot_save(
        actor=build_scope(world.users["dean"]),
        kind="wecom",
        name="群",
        url="http://127.0.0.1:9/x",
        kinds=["messaging.test_event"],
        school_id=world.school.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    d = Delivery.objects.get(channel="robot")
    later = timezone.now()
    for _attempt in range(6):
        later += dt.timedelta(hours=3)
        run_tick(now=later, only=["none"])
    d.refresh_from_db()
    assert d.status == DeliveryStatus.FAILED and d.attempts == 5 and "无法连接" in d.response


def test_quiet_hours_hold_robot_posts_until_morning(world, fake, django_capture_on_commit_callbacks):
    add_robot(world, fake, quiet_start=dt.time(21, 30), quiet_end=dt.time(7, 0))
    with time_machine.travel("2026-11-18 22:00:00+08:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            send_event(world)
        assert fake.requests == []
        d = Delivery.objects.get(channel="robot")
        assert timezone.localtime(d.next_attempt_at).strftime("%m-%d %H:%M") == "11-19 07:00"
    with time_machine.travel("2026-11-19 07:01:00+08:00", tick=False):
        run_tick(only=["none"])
    assert len(fake.requests) == 1


def test_robot_only_gets_the_types_it_subscribed(world, fake, django_capture_on_commit_callbacks):
    robot = add_robot(world, fake)
    robot.kinds = []
    robot.save()
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    assert fake.requests == []


def test_another_schools_event_does_not_reach_this_schools_robot(world, fake, django_capture_on_commit_callbacks):
    add_robot(world, fake)

    class Other:
        school_id = world.other_school.pk
        group_id = region_id = pk = None

    with django_capture_on_commit_callbacks(execute=True):
        notify("messaging.test_event", recipients=[], target=Other(), context={"title": "x"})
    assert fake.requests == []


def test_email_by_default_for_types_that_ask_for_it_with_html_and_link(world, emails, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    [m] = mail.outbox
    assert m.to == ["teacher@school.example"] and "语文组集体备课" in m.subject
    html = m.alternatives[0][0]
    assert "/messaging/n/" in m.body and "打开校本研修" in html


def test_teacher_turns_email_off_for_a_type(world, emails, django_capture_on_commit_callbacks):
    services.channel_settings_save(actor=build_scope(world.users["teacher"]), email_kinds=[], digest="off")
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    assert mail.outbox == []
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="messaging.test_event").exists()  # the bell still rings


def test_daily_digest_collects_and_sends_one_mail(world, emails, django_capture_on_commit_callbacks):
    services.channel_settings_save(actor=build_scope(world.users["teacher"]), email_kinds=["messaging.test_event"], digest="daily")
    with time_machine.travel("2026-11-18 15:00:00+08:00", tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            send_event(world, "第一件事")
            send_event(world, "第二件事")
        assert mail.outbox == []
    with time_machine.travel("2026-11-19 07:30:00+08:00", tick=False):
        run_tick(only=["none"])
        run_tick(only=["none"])  # a second tick the same morning sends nothing more
    [m] = mail.outbox
    assert "2条" in m.subject and "第一件事" in m.body and "第二件事" in m.body
    assert m.body.count("/messaging/n/") >= 2  # each line links to its own page


def test_school_defaults_apply_until_a_teacher_chooses(world, emails, django_capture_on_commit_callbacks):
    services.school_notification_defaults_save(actor=build_scope(world.users["dean"]), school=world.school, email_kinds=[], digest="off")
    world.school.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    assert mail.outbox == []


def test_a_school_weekly_default_digest_leaves_on_monday_only(world, emails, django_capture_on_commit_callbacks):
    services.school_notification_defaults_save(
        actor=build_scope(world.users["dean"]), school=world.school, email_kinds=["messaging.test_event"], digest="weekly"
    )
    world.school.refresh_from_db()
    with time_machine.travel("2026-11-18 15:00:00+08:00", tick=False), django_capture_on_commit_callbacks(execute=True):
        send_event(world, "周三的事")
    with time_machine.travel("2026-11-19 07:30:00+08:00", tick=False):
        run_tick(only=["none"])  # Thursday: the school said weekly
    assert mail.outbox == []
    with time_machine.travel("2026-11-23 07:30:00+08:00", tick=False):
        run_tick(only=["none"])  # Monday
    [m] = mail.outbox
    assert "周三的事" in m.body


def test_no_secret_in_logs(world, fake, caplog, django_capture_on_commit_callbacks):
    add_robot(world, fake, kind="dingtalk", secret="SECxyz")
    fake.answers = [310000]
    with caplog.at_level(logging.DEBUG), django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    assert "SECRETKEY123" not in caplog.text and "SECxyz" not in caplog.text


def test_bad_robot_url_gets_a_chinese_message(world, client_for):
    r = client_for("dean").post(
        "/messaging/robots/",
        {"kind": "wecom", "name": "群", "owner": f"school:{world.school.pk}", "url": "http://evil.example/x", "kinds": []},
    )
    assert r.status_code == 200
    assert "Webhook 地址不对" in r.content.decode()
    assert not Robot.objects.exists()


def test_admin_adds_robot_through_the_page_and_tests_it(world, fake, client_for):
    client = client_for("dean")
    r = client.post(
        "/messaging/robots/",
        {
            "kind": "wecom",
            "name": "全体教师群",
            "owner": f"school:{world.school.pk}",
            "url": f"{fake.base}/send?key=k",
            "kinds": ["messaging.test_event"],
            "is_active": "on",
        },
    )
    assert r.status_code == 302
    robot = Robot.objects.get()
    assert robot.created_by == world.users["dean"]
    r = client.post(f"/messaging/robots/{robot.pk}/test/", follow=True)
    assert "测试消息已发到" in r.content.decode()
    assert "测试消息" in fake.requests[0]["json"]["markdown"]["content"]


@pytest.mark.parametrize(
    "persona,robots_status,edit_status",
    [
        ("dean", 200, 200),
        ("principal", 200, 200),
        ("leader", 200, 404),  # a 组长 adds robots for the group, not the school's
        ("teacher", 403, 404),
        ("other_teacher", 403, 404),
        ("researcher", 200, 404),
        ("other_researcher", 200, 404),
    ],
)
def test_permission_matrix(world, fake, client_for, persona, robots_status, edit_status):
    robot = add_robot(world, fake)
    client = client_for(persona)
    assert client.get("/messaging/robots/").status_code == robots_status
    assert client.get(f"/messaging/robots/{robot.pk}/").status_code == edit_status
    assert client.post(f"/messaging/robots/{robot.pk}/test/").status_code in ((302,) if edit_status == 200 else (404,))
    assert client.post(f"/messaging/robots/{robot.pk}/delete/").status_code in ((302,) if edit_status == 200 else (404,))
    assert Robot.objects.filter(pk=robot.pk).exists() == (edit_status != 200)


def test_leader_may_add_a_robot_for_the_group_only(world, fake):
    leader = build_scope(world.users["leader"])
    services.robot_save(actor=leader, kind="wecom", name="语文组群", url=f"{fake.base}/x", kinds=[], group_id=world.chinese.pk)
    from xiaoben.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.robot_save(actor=leader, kind="wecom", name="全校", url=f"{fake.base}/x", kinds=[], school_id=world.school.pk)
    with pytest.raises(NotPermitted):
        services.robot_save(actor=leader, kind="wecom", name="数学", url=f"{fake.base}/x", kinds=[], group_id=world.math.pk)


def test_open_notice_marks_read_and_redirects_to_its_page(world, client_for):
    [n] = send_event(world)
    r = client_for("teacher").get(f"/messaging/n/{n.pk}/")
    assert r.status_code == 302 and r["Location"] == "/activities/"
    n.refresh_from_db()
    assert n.read_at is not None
    assert client_for("colleague").get(f"/messaging/n/{n.pk}/").status_code == 404


def test_phone_link_after_sign_in_lands_on_the_page(world, client):
    """A link from an e-mail, opened signed out on a phone: sign-in, then the page that acts on it."""
    from urllib.parse import parse_qs, urlparse

    from xiaoben.org.testing import PASSWORD

    [n] = send_event(world)
    phone = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"}
    r = client.get(f"/messaging/n/{n.pk}/", **phone)
    assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    next_url = parse_qs(urlparse(r["Location"]).query)["next"][0]
    assert next_url == f"/messaging/n/{n.pk}/"
    r = client.post(
        "/accounts/login/", {"username": world.users["teacher"].username, "password": PASSWORD, "next": next_url}, follow=True, **phone
    )
    assert r.redirect_chain[-1][0] == "/activities/" and r.status_code == 200
    n.refresh_from_db()
    assert n.read_at is not None


def test_preferences_page_saves(world, client_for):
    client = client_for("teacher")
    assert_queries(client, "/messaging/preferences/", budget=20)
    r = client.post("/messaging/preferences/", {"email": "cai@school.example", "email_kinds": ["messaging.test_event"], "digest": "weekly"})
    assert r.status_code == 302
    from xiaoben.messaging.models import ChannelSettings

    row = ChannelSettings.objects.get(user=world.users["teacher"])
    assert row.digest == "weekly" and row.email_kinds == ["messaging.test_event"]
    world.users["teacher"].refresh_from_db()
    assert world.users["teacher"].email == "cai@school.example"  # a teacher gives her own address; no admin needed
    r = client.post("/messaging/preferences/", {"email": "not-an-address", "email_kinds": [], "digest": "off"})
    html = r.content.decode()
    assert r.status_code == 200 and ("有效" in html or "格式不对" in html)
    world.users["teacher"].refresh_from_db()
    assert world.users["teacher"].email == "cai@school.example"


def test_deliveries_page_budget_constant(world, fake, client_for, django_capture_on_commit_callbacks):
    add_robot(world, fake)
    client = client_for("dean")
    with django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    n1 = assert_queries(client, "/messaging/deliveries/", budget=20)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            send_event(world, f"活动{i}")
    assert assert_queries(client, "/messaging/deliveries/", budget=20) == n1


def test_digests_are_built_in_a_constant_number_of_queries(
    world, emails, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xiaoben.messaging.services import digests_send

    def held_for(personas):
        for p in personas:
            services.channel_settings_save(actor=build_scope(world.users[p]), email_kinds=["messaging.test_event"], digest="daily")
        with time_machine.travel("2026-11-18 15:00:00+08:00", tick=False), django_capture_on_commit_callbacks(execute=True):
            notify("messaging.test_event", recipients=[world.users[p] for p in personas], context={"title": "事"})

    def count(day):
        with time_machine.travel(f"2026-11-{day} 07:30:00+08:00", tick=False), CaptureQueriesContext(connection) as ctx:
            sent = digests_send()  # outside a commit hook: the deliveries are queued, not sent here
        return sent, len(ctx.captured_queries)

    held_for(["teacher"])
    one, q1 = count(19)
    held_for(["teacher", "dean", "leader", "mentor"])
    four, q4 = count(20)
    assert (one, four) == (1, 4)
    assert q1 == q4  # built in a fixed number of queries; the mails themselves are queued for the job


def test_publishing_an_activity_posts_its_four_fixed_to_the_group_robot(world, fake, django_capture_on_commit_callbacks):
    from xiaoben.activities.tests.factories import make_activity

    services.robot_save(
        actor=build_scope(world.users["dean"]),
        kind="wecom",
        name="全体教师群",
        url=f"{fake.base}/send?key=k",
        kinds=["activities.published"],
        school_id=world.school.pk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        make_activity(world, title="三年级语文集体备课")
    [post] = fake.requests
    text = post["json"]["markdown"]["content"]
    assert "三年级语文集体备课" in text and "地点：电教室" in text and f"主持人：{world.leader.name}" in text and "记录人" in text


def test_robot_posts_stay_chinese_when_the_sender_reads_english(world, fake, django_capture_on_commit_callbacks):
    from django.utils.translation import override

    add_robot(world, fake, kind="dingtalk")
    with override("en"), django_capture_on_commit_callbacks(execute=True):
        send_event(world)
    [req] = fake.requests
    assert req["json"]["markdown"]["title"] == "测试事件" and "#### 活动发布" in req["json"]["markdown"]["text"]


def test_bell_shows_notices_in_the_readers_language(world, client_for):
    """The stored text is Chinese (mail, robots, search); the bell renders the type in the reader's language."""
    notify(
        "activities.published", recipients=[world.users["teacher"]], context={"title": "集体备课", "when": "11-18 14:00", "place": "电教室"}
    )
    client = client_for("teacher")
    assert "研修活动：集体备课" in client.get("/notifications/").content.decode()
    client.cookies["django_language"] = "en"
    html = client.get("/notifications/").content.decode()
    assert "Activity: 集体备课" in html and "研修活动：集体备课" not in html


def test_fake_robot_command_prints_what_arrives(capsys):
    """`manage.py fake_robot` is the server docs/deploy.md tells people to start by hand."""
    import threading
    import time

    from django.core.management import call_command

    from xiaoben.messaging import fakerobot, robots

    started = []
    real = fakerobot.FakeRobot

    class Spy(real):
        def __init__(self, *a, **kw):
            super().__init__(*a, **kw)
            started.append(self)

    import xiaoben.messaging.management.commands.fake_robot as command

    command.FakeRobot = Spy
    try:
        t = threading.Thread(target=call_command, args=("fake_robot", "0", "--secret", "SECabc"), daemon=True)
        t.start()
        for _ in range(100):
            if started:
                break
            time.sleep(0.05)
        base = started[0].base
        ok = robots.post("dingtalk", f"{base}/robot/send?access_token=t", "SECabc", "标题", "#### 你好")
        bad = robots.post("dingtalk", f"{base}/robot/send?access_token=t", "WRONG", "标题", "#### 你好")
        started[0].server.shutdown()
        t.join(5)
    finally:
        command.FakeRobot = real
    out = capsys.readouterr().out
    assert ok.ok and not bad.ok and "关键词" in bad.message
    assert "假群机器人已启动" in out and "收到钉钉消息" in out and "#### 你好" in out and "errcode 310000" in out


def test_preferences_page_is_a_matrix_of_types_and_channels(world, client_for):
    html = client_for("teacher").get("/messaging/preferences/").content.decode()
    assert 'data-testid="channel-matrix"' in html and "明日活动提醒" in html
    assert "每周组员进度" in html  # the one group post that names people: a teacher may be left out


def test_fake_robot_answers_the_error_named_in_its_address(fake):
    from xiaoben.messaging import robots

    answer = robots.post("wecom", f"{fake.base}/cgi-bin/webhook/send?key=err93000", "", "t", "x")
    assert not answer.ok and "Webhook 地址无效" in answer.message


def test_group_and_region_robots_hear_their_own_events_only(world, fake, django_capture_on_commit_callbacks):
    """A 组长 registers the group's chat, a 教研员 the district's: each hears events of its own
    group or region, and a school's other groups and other districts stay out."""
    leader, researcher = build_scope(world.users["leader"]), build_scope(world.users["researcher"])
    common = {"kind": "wecom", "kinds": ["messaging.test_event"]}
    services.robot_save(actor=leader, name="语文组群", url=f"{fake.base}/send?key=group", group_id=world.chinese.pk, **common)
    services.robot_save(
        actor=researcher, name="南湖区教研群", url=f"{fake.base}/send?key=region", region_id=world.school.region_id, **common
    )

    def event(**owner):
        target = type("T", (), {"school_id": None, "group_id": None, "region_id": None, "pk": None, **owner})()
        with django_capture_on_commit_callbacks(execute=True):
            notify("messaging.test_event", recipients=[], target=target, context={"title": "x"})
        keys = [r["query"]["key"] for r in fake.requests]
        fake.requests.clear()
        return keys

    assert event(group_id=world.chinese.pk) == ["group"]
    assert event(group_id=world.math.pk) == []
    assert event(region_id=world.school.region_id) == ["region"]
    assert event(region_id=world.other_school.region_id) == []


def test_no_secret_in_logs_on_the_test_button_or_an_http_error(world, fake, caplog):
    robot = add_robot(world, fake, kind="dingtalk", secret="SECxyz")
    fake.answers = [500, 45009]
    with caplog.at_level(logging.DEBUG):
        first = services.robot_test(actor=build_scope(world.users["dean"]), robot=robot)
        second = services.robot_test(actor=build_scope(world.users["dean"]), robot=robot)
    assert not first.ok and "HTTP 500" in first.message and "太频繁" in second.message
    stored = " ".join(Delivery.objects.values_list("response", flat=True))
    for text in (caplog.text, stored, first.message, second.message):
        assert "SECRETKEY123" not in text and "SECxyz" not in text


@pytest.mark.parametrize("persona,allowed", [("teacher", False), ("leader", False), ("other_teacher", False), ("dean", True)])
def test_school_defaults_service_and_page_answer_alike(world, client_for, persona, allowed):
    from xiaoben.core.errors import NotPermitted

    page = client_for(persona).get("/messaging/school-defaults/")
    if allowed:
        services.school_notification_defaults_save(
            actor=build_scope(world.users[persona]), school=world.school, email_kinds=[], digest="off"
        )
        assert page.status_code == 200
    else:
        with pytest.raises(NotPermitted, match="学校管理员"):
            services.school_notification_defaults_save(
                actor=build_scope(world.users[persona]), school=world.school, email_kinds=[], digest="off"
            )
        assert page.status_code == 403
    world.school.refresh_from_db()
    assert ("notifications" in (world.school.settings or {})) == allowed
