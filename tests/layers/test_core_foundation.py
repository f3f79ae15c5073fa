"""The shared pieces every app builds on: NotPermitted, scope.leads, notification types, assert_queries."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.middleware import NotPermittedMiddleware
from xiaoben.core.models import Notification
from xiaoben.core.notifications import notification_type, notify
from xiaoben.core.scope import build_scope
from xiaoben.core.testing import assert_queries


def test_not_permitted_without_message_hides_the_object(db):
    mw = NotPermittedMiddleware(lambda r: HttpResponse())
    request = RequestFactory().get("/x")
    from django.http import Http404

    with pytest.raises(Http404):
        mw.process_exception(request, NotPermitted())


def test_not_permitted_with_message_is_a_403_page_with_the_reason(world, rf):
    mw = NotPermittedMiddleware(lambda r: HttpResponse())
    request = rf.get("/x")
    request.user = world.users["teacher"]
    response = mw.process_exception(request, NotPermitted("只有组长可以审阅。"))
    assert response.status_code == 403
    assert "只有组长可以审阅。" in response.content.decode()


def test_require_raises_only_when_false():
    require(True)
    with pytest.raises(NotPermitted):
        require(False, "不行")


def test_leads_answers_for_members_of_led_groups_only(world, django_assert_max_num_queries):
    scope = build_scope(world.users["leader"])
    with django_assert_max_num_queries(1):
        assert scope.leads(world.teacher.pk)
        assert scope.leads(world.mentor.pk)
        assert not scope.leads(world.colleague.pk)  # 数学 teacher, not in 语文组
        assert not scope.leads(world.other_teacher.pk)
    assert not build_scope(world.users["teacher"]).leads(world.mentor.pk)


def test_led_members_filter_matches_leads(world):
    from xiaoben.org.models import Teacher

    scope = build_scope(world.users["leader"])
    ids = set(Teacher.objects.filter(scope.led_members_filter("id")).values_list("id", flat=True))
    assert ids == set(scope.led_teacher_ids)
    assert world.colleague.pk not in ids


def test_notification_is_rendered_in_the_readers_language(world):
    from django.utils.translation import gettext_lazy as _

    notification_type("core.test_event", label=_("测试"), text=_("%(name)s 回复了你"))
    [n] = notify("core.test_event", recipients=[world.users["teacher"]], context={"name": "范俊杰"}, url="/x")
    n = Notification.objects.get(pk=n.pk)
    assert n.text == "范俊杰 回复了你"
    assert n.kind == "core.test_event" and n.context == {"name": "范俊杰"}
    with translation.override("zh-hans"):
        assert n.display_text == "范俊杰 回复了你"


def test_unknown_notification_type_is_refused(world):
    with pytest.raises(LookupError):
        notify("core.nope", recipients=[world.users["teacher"]])


def test_assert_queries_fails_over_budget(world, client_for):
    client = client_for("teacher")
    n = assert_queries(client, "/", budget=200)
    with pytest.raises(AssertionError):
        assert_queries(client, "/", budget=n - 1)


def test_control_characters_never_reach_the_database_or_break_an_export():
    from django import forms
    from openpyxl import Workbook

    from xiaoben.core.forms import StyledFormMixin
    from xiaoben.core.xlsx import workbook_bytes

    class F(StyledFormMixin, forms.Form):
        name = forms.CharField()

    f = F({"name": "南湖\x02小学\x1f"})
    assert f.is_valid() and f.cleaned_data["name"] == "南湖小学"
    wb = Workbook()
    wb.active.append(["名称\x02带控制符", "=1+1"])
    assert workbook_bytes(wb)[:2] == b"PK"
