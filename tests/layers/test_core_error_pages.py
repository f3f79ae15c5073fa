"""404/500 pages are Chinese, in the site layout, with a way home; a QR code of another
school's activity, or an expired one, says so kindly (issue 14, item 6)."""

import pytest
from django.test import RequestFactory

from xiaoben.activities import signin
from xiaoben.activities.tests.factories import make_activity
from xiaoben.core.views import server_error

pytestmark = pytest.mark.django_db


def test_404_is_chinese_in_the_layout(world, client_for):
    r = client_for("teacher").get("/no-such-page/")
    assert r.status_code == 404
    html = r.content.decode()
    assert "找不到这个页面" in html and "回到首页" in html
    assert 'class="navbar' in html  # the site layout, with its menu
    assert "Not Found" not in html


def test_404_for_anonymous_is_still_friendly(client):
    r = client.get("/org/teachers/999999/")
    assert r.status_code in (302, 404)
    r = client.get("/no-such-page/")
    assert r.status_code == 404 and "回到首页" in r.content.decode()


def test_500_page_in_the_layout_and_plain_fallback(world, monkeypatch):
    request = RequestFactory().get("/")
    request.user = world.users["teacher"]
    r = server_error(request)
    assert r.status_code == 500 and "系统暂时出了点问题" in r.content.decode() and "回到首页" in r.content.decode()

    import xiaoben.core.views as views

    def broken(*a, **kw):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "render", broken)
    r = server_error(request)
    assert r.status_code == 500 and "系统暂时出了点问题" in r.content.decode()


def test_foreign_signin_code_is_explained(world, client_for):
    activity = make_activity(world)
    c = client_for("other_teacher")
    r = c.get(f"/activities/{activity.pk}/checkin/{signin.token_for(activity.pk)}/", follow=True)
    assert r.status_code == 404
    html = r.content.decode()
    assert "不是你所在学校的活动" in html and "回到首页" in html


def test_expired_signin_code_has_a_way_home(world, client_for):
    activity = make_activity(world)
    r = client_for("teacher").get(f"/activities/{activity.pk}/checkin/0000000000/")
    assert r.status_code == 410
    assert "回到首页" in r.content.decode()


def test_favicon_ico_is_not_a_404(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("favicon.svg")


def test_first_login_page_calls_it_the_initial_password(world, client_for):
    """Issue 14 item 11: not 旧密码, and 你 throughout."""
    user = world.users["teacher"]
    user.must_change_password = True
    user.save()
    html = client_for("teacher").get("/accounts/password/").content.decode()
    assert "初始密码" in html and "旧密码" not in html and "设置你自己的密码" in html
