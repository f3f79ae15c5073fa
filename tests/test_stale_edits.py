"""Nothing is overwritten silently (issue #12, 5): every editable route — page, autosave and API —
carries the version it was loaded with, requires it, and refuses a second save from the same
stale copy. Each route below is edited twice from one stale copy: the first save stands, the
second is told (409/400 or the form again, with 已被他人修改), and a save without a version is
refused."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import reverse

from xiaoben.activities.models import ActivityMinutes
from xiaoben.activities.tests.factories import make_activity
from xiaoben.org.forms import TeacherForm
from xiaoben.org.models import Teacher
from xiaoben.writings import services as writing_services
from xiaoben.writings.models import Writing

CONFLICT = "已被他人修改"
MISSING = "缺少版本号"


@dataclass
class Route:
    load: Callable[[], int]  # opens the editor: the version its copy carries
    save: Callable[[int | None, str], object]  # saves `text` with `version`: the response
    current: Callable[[], str]  # what the record holds now
    # an autosave does not make a new version by itself: the first save is then someone else's real save
    first: Callable[[int, str], object] | None = None


def _version_in(html: str) -> int:
    m = re.search(r'name="version" value="(\d+)"', html) or re.search(r'value="(\d+)"[^>]*name="version"', html)
    assert m, "the page does not carry the version"
    return int(m.group(1))


def _text(r) -> str:
    if not hasattr(r, "content"):
        return str(r)
    if "json" in r.get("Content-Type", ""):
        return json.dumps(r.json(), ensure_ascii=False)
    return r.content.decode()


def teacher_profile(world, client_for):
    c, url = client_for("dean"), reverse("org:teacher_edit", args=[world.teacher.pk])

    def save(version, text):
        data = {k: v for k, v in TeacherForm.initial_for(Teacher.objects.get(pk=world.teacher.pk)).items() if v is not None}
        data.update(classes=text, version="" if version is None else version, grades=[], other_subjects=[])
        return c.post(url, data)

    return Route(lambda: _version_in(c.get(url).content.decode()), save, lambda: Teacher.objects.get(pk=world.teacher.pk).classes)


def _minutes_activity(world):
    a = make_activity(world)
    return a


def minutes_page(world, client_for):
    a, c = _minutes_activity(world), client_for("mentor")
    url = reverse("activities:minutes", args=[a.pk])
    return Route(
        lambda: _version_in(c.get(url).content.decode()),
        lambda v, text: c.post(url, {"body": f"<p>{text}</p>", "version": "" if v is None else v}),
        lambda: ActivityMinutes.objects.get(activity=a).body,
    )


def minutes_autosave(world, client_for):
    a, c = _minutes_activity(world), client_for("mentor")
    url = reverse("activities:minutes", args=[a.pk])
    auto = reverse("activities:minutes_autosave", args=[a.pk])
    return Route(
        lambda: _version_in(c.get(url).content.decode()),
        lambda v, text: c.post(auto, {"body": f"<p>{text}</p>", **({} if v is None else {"version": v})}),
        lambda: ActivityMinutes.objects.get(activity=a).draft,
        first=lambda v, text: client_for("leader").post(url, {"body": f"<p>{text}</p>", "version": v}),
    )


def minutes_api(world, api_client_for):
    a, c = _minutes_activity(world), api_client_for("mentor")
    url = f"/api/v1/activities/{a.pk}/minutes"
    return Route(
        lambda: c.get(url).json()["version"],
        lambda v, text: c.put(url, {"body": f"<p>{text}</p>", **({} if v is None else {"version": v})}, content_type="application/json"),
        lambda: ActivityMinutes.objects.get(activity=a).body,
    )


def _draft(world):
    return writing_services.writing_create(author=world.teacher, kind="reflection", title="草稿", body="<p>开头</p>")


def writing_page(world, client_for):
    w, c = _draft(world), client_for("teacher")
    url = reverse("writings:edit", args=[w.pk])

    def save(v, text):
        return c.post(
            url,
            {"kind": "reflection", "title": "反思", "body": f"<p>{text}</p>", "visibility": "school", "version": "" if v is None else v},
        )

    return Route(lambda: _version_in(c.get(url).content.decode()), save, lambda: Writing.objects.get(pk=w.pk).body)


def writing_api(world, api_client_for):
    w, c = _draft(world), api_client_for("teacher")
    url = f"/api/v1/writings/{w.pk}"
    return Route(
        lambda: c.get(url).json()["version"],
        lambda v, text: c.patch(url, {"body": f"<p>{text}</p>", **({} if v is None else {"version": v})}, content_type="application/json"),
        lambda: Writing.objects.get(pk=w.pk).body,
    )


ROUTES = {
    "teacher_profile_page": (teacher_profile, "client_for"),
    "minutes_page": (minutes_page, "client_for"),
    "minutes_autosave": (minutes_autosave, "client_for"),
    "minutes_api": (minutes_api, "api_client_for"),
    "writing_page": (writing_page, "client_for"),
    "writing_api": (writing_api, "api_client_for"),
}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_editing_twice_from_a_stale_copy_is_told(world, request, name):
    make, client_fixture = ROUTES[name]
    route = make(world, request.getfixturevalue(client_fixture))
    stale = route.load()
    first = (route.first or route.save)(stale, "第一位保存的内容")
    assert getattr(first, "status_code", 200) < 400, _text(first)[:500]
    if route.first is None:
        assert "第一位保存的内容" in route.current()
    second = route.save(stale, "第二位用旧副本保存")
    assert CONFLICT in _text(second), f"{name}: the stale save was not told ({getattr(second, 'status_code', '')})"
    assert "旧副本" not in route.current()
    if route.first is None:
        assert "第一位保存的内容" in route.current()
    missing = route.save(None, "没有版本号")
    assert MISSING in _text(missing) or getattr(missing, "status_code", 200) == 422, f"{name}: a save without version passed"
    assert "没有版本号" not in route.current()
