"""Sign-in with 工号 or mobile number, forced password change, lockout."""

import datetime as dt

import pytest
from django.urls import reverse

from xiaoben.core.scope import SYSTEM
from xiaoben.org import services
from xiaoben.org.testing import PASSWORD, make_teacher


def login(client, username, password=PASSWORD):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_anonymous_root_lands_on_chinese_login(client, db):
    r = client.get("/")
    assert r.status_code == 302 and r.url.startswith(reverse("core:login"))
    page = client.get(r.url)
    assert "工号 / 手机号" in page.content.decode()


@pytest.mark.parametrize("how", ["staff_no", "phone", "username"])
def test_login_with_staff_no_phone_or_username(client, world, how):
    t = world.mentor  # 工号 012 exists in one school only
    ident = {"staff_no": t.staff_no, "phone": t.user.phone, "username": t.user.username}[how]
    r = login(client, ident)
    assert r.status_code == 302, r.content.decode()[:500]
    assert client.get("/").status_code == 200


def test_same_staff_no_in_two_schools_password_decides(client, world):
    # world.teacher and a teacher of the other school both have 工号 X009
    other = make_teacher(world.other_school, world.teacher.staff_no, "孙一凡", since=dt.date(2012, 9, 1), birth=dt.date(1988, 1, 1))
    other.user.set_password("another-Pa55")
    other.user.save()
    assert login(client, "X009").status_code == 302
    assert client.get("/").context["user"] == world.teacher.user
    client.logout()
    assert login(client, "X009", "another-Pa55").status_code == 302
    assert client.get("/").context["user"] == other.user


def test_wrong_password_gives_chinese_message(client, world):
    r = login(client, world.teacher.staff_no, "wrong")
    assert r.status_code == 200
    assert "工号/手机号或密码不正确" in r.content.decode()


def test_lockout_after_repeated_failures(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        login(client, world.teacher.staff_no, "wrong")
    r = login(client, world.teacher.staff_no)  # even the right password is refused now
    assert r.status_code == 429
    assert "临时锁定" in r.content.decode()


def test_imported_account_must_change_password_first(client, world):
    t = services.teacher_create(
        actor=SYSTEM, school=world.school, staff_no="099", name="新来的", password="Temp-12345", must_change_password=True, gender="F"
    )
    assert login(client, "099", "Temp-12345").status_code == 302
    r = client.get(reverse("org:teachers"))
    assert r.status_code == 302 and r.url == reverse("core:password_change")
    r = client.post(
        reverse("core:password_change"),
        {"old_password": "Temp-12345", "new_password1": "Qing-shui-2026", "new_password2": "Qing-shui-2026"},
    )
    assert r.status_code == 302
    t.user.refresh_from_db()
    assert not t.user.must_change_password
    assert client.get(reverse("org:teachers")).status_code == 200


def test_lockout_counts_the_account_whatever_identifier_names_it(client, world, settings):
    """工号 locked, then the username and the phone each allowed more tries (issue #12, 7)."""
    settings.AXES_FAILURE_LIMIT = 3
    t = world.mentor  # 工号 012: one account
    assert [login(client, i, "wrong").status_code for i in (t.staff_no, t.user.phone, t.user.username)] == [200, 200, 429]
    for ident in (t.staff_no, t.user.phone, t.user.username):
        assert login(client, ident).status_code == 429, ident


def test_behind_the_balancer_the_client_address_comes_from_the_trusted_header(world, settings):
    from django.test import Client, RequestFactory

    from xiaoben.core.auth import client_ip

    settings.AXES_FAILURE_LIMIT = 3
    rf = RequestFactory()
    spoofed = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.1.1.1", REMOTE_ADDR="10.0.0.2")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "10.0.0.2"  # no proxy configured: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "1.1.1.1"  # what our balancer appended, not what the client claimed

    def at(addr):
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=addr)

    for _ in range(3):
        login(at("1.1.1.1"), world.mentor.staff_no, "wrong")
    assert login(at("1.1.1.1"), world.mentor.staff_no).status_code == 429
    # the same account from another classroom is not locked out by the typos at 1.1.1.1
    assert login(at("2.2.2.2"), world.mentor.staff_no).status_code == 302
