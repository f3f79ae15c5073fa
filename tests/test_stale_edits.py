"""Nothing is overwritten silently (issue #12, 5): every editable route — page, autosave and API —
carries the version it was loaded with, requires it, and refuses a second save from the same
stale copy. Each route below is edited twice from one stale copy: the first save stands, the
second is told (409/400 or the form again, with 已被他人修改), and a save without a version is
refused."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from xiaoben.activities.models import ActivityMinutes
from xiaoben.activities.tests.factories import make_activity
from xiaoben.core.scope import scope_for
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
    return writing_services.writing_create(actor=scope_for(world.teacher.user), kind="reflection", title="草稿", body="<p>开头</p>")


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


class _FormFields(HTMLParser):
    """The fields of the page's form that carries a version, as the browser would post them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._in_form = False
        self._textarea: str | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({})
            self._in_form = True
        if not self._in_form or not self.forms:
            return
        fields = self.forms[-1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file"):
                return
            fields.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "textarea" and name:
            self._textarea = name
            fields.setdefault(name, []).append("")
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            fields.setdefault(self._select, []).append(a.get("value", ""))

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1][self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None
        elif tag == "form":
            self._in_form = False


def _page_form(html: str) -> dict[str, list[str]]:
    parser = _FormFields()
    parser.feed(html)
    for form in parser.forms:
        if "version" in form:
            return {k: v for k, v in form.items() if k != "csrfmiddlewaretoken"}
    raise AssertionError("no form with a version on the page")


def _page_route(c, url, field, current, wrap=lambda t: t, extra=None):
    """A page editor: load it, post back everything it showed with `field` changed."""
    loaded = {}

    def load():
        loaded.clear()
        loaded.update(_page_form(c.get(url).content.decode()))
        return int(loaded["version"][0])

    def save(v, text):
        data = {**loaded, **(extra or {}), field: [wrap(text)], "version": ["" if v is None else str(v)]}
        return c.post(url, data)

    return Route(load, save, current)


def _draft_observation(world):
    from xiaoben.observations import services as obs_services

    return obs_services.observation_save(
        actor=scope_for(world.mentor.user),
        data=obs_services.ObservationInput(teacher=world.teacher, lesson_date=world.today, lesson_title="草稿课"),
        submit=False,
    )


def observation_page(world, client_for):
    from xiaoben.observations.models import Observation

    o = _draft_observation(world)
    return _page_route(
        client_for("mentor"),
        reverse("observations:edit", args=[o.pk]),
        "notes",
        lambda: Observation.objects.get(pk=o.pk).notes,
        extra={"action": ["draft"]},
    )


def observation_autosave(world, client_for):
    from xiaoben.observations.models import Observation

    o = _draft_observation(world)
    c = client_for("mentor")
    url = reverse("observations:edit", args=[o.pk])
    fields: dict = {}

    def load():
        fields.clear()
        fields.update(_page_form(c.get(url).content.decode()))
        return int(fields["version"][0])

    def post(target, v, text):
        data = {**fields, "notes": [text], "draft_id": [str(o.pk)]}
        data["version"] = ["" if v is None else str(v)]
        return c.post(target, data)

    return Route(
        load,
        lambda v, text: post(reverse("observations:autosave"), v, text),
        lambda: Observation.objects.get(pk=o.pk).notes,
    )


def requirement_page(world, client_for):
    from xiaoben.requirements import services as req_services
    from xiaoben.requirements.models import Requirement

    r = req_services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    return _page_route(client_for("dean"), reverse("requirements:edit", args=[r.pk]), "name", lambda: Requirement.objects.get(pk=r.pk).name)


def requirement_api(world, api_client_for):
    from xiaoben.requirements import services as req_services
    from xiaoben.requirements.models import Requirement

    r = req_services.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期听课不少于20节",
        metric="observations.given",
        period="term",
        threshold=20,
    )
    c, url = api_client_for("dean"), f"/api/v1/requirements/{r.pk}"
    return Route(
        lambda: c.get(url).json()["version"],
        lambda v, text: c.patch(url, {"name": text, **({} if v is None else {"version": v})}, content_type="application/json"),
        lambda: Requirement.objects.get(pk=r.pk).name,
    )


def activity_page(world, client_for):
    from xiaoben.activities.models import Activity

    a = make_activity(world)
    return _page_route(client_for("dean"), reverse("activities:edit", args=[a.pk]), "title", lambda: Activity.objects.get(pk=a.pk).title)


def plan_page(world, client_for):
    from xiaoben.plans.models import PlanSection
    from xiaoben.plans.tests.factories import school_plan

    plan = school_plan(world)
    section = plan.sections.first()
    return _page_route(
        client_for("dean"),
        reverse("plans:edit", args=[plan.pk]),
        f"s{section.pk}-body",
        lambda: PlanSection.objects.get(pk=section.pk).body,
    )


def _plan_item(world):
    from xiaoben.plans import services as plan_services
    from xiaoben.plans.tests.factories import school_plan, scope

    plan = school_plan(world)
    return plan_services.item_create(actor=scope(world, "dean"), plan=plan, title="集体备课", month=10, kind="lesson_prep")


def plan_item_page(world, client_for):
    from xiaoben.plans.models import PlanItem

    item = _plan_item(world)
    return _page_route(
        client_for("dean"),
        reverse("plans:item_edit", args=[item.plan_id, item.pk]),
        "topic",
        lambda: PlanItem.objects.get(pk=item.pk).topic,
    )


def plan_item_mark_page(world, client_for):
    """The 标记完成情况 buttons on the plan page: each form carries the item's version."""
    from xiaoben.plans.models import PlanItem

    item, c = _plan_item(world), client_for("dean")
    mark = reverse("plans:item_mark", args=[item.plan_id, item.pk])

    def load():
        html = c.get(reverse("plans:detail", args=[item.plan_id])).content.decode()
        m = re.search(rf'action="{re.escape(mark)}"[^>]*>.*?name="version" value="(\d+)"', html)
        assert m, "the mark form does not carry the version"
        return int(m.group(1))

    return Route(
        load,
        lambda v, text: c.post(mark, {"state": "dropped", "note": text, "version": "" if v is None else v}, follow=True),
        lambda: PlanItem.objects.get(pk=item.pk).state_note,
    )


def plan_item_api(world, api_client_for):
    from xiaoben.plans.models import PlanItem

    item, c = _plan_item(world), api_client_for("dean")
    url = f"/api/v1/plans/items/{item.pk}"
    return Route(
        lambda: next(i["version"] for i in c.get(f"/api/v1/plans/{item.plan_id}").json()["items"] if i["id"] == item.pk),
        lambda v, text: c.patch(
            url, {"state": "dropped", "note": text, **({} if v is None else {"version": v})}, content_type="application/json"
        ),
        lambda: PlanItem.objects.get(pk=item.pk).state_note,
    )


def achievement_page(world, client_for):
    from xiaoben.research.models import Achievement
    from xiaoben.research.tests.factories import achievement

    a = achievement(world, verify=False)
    return _page_route(
        client_for("teacher"),
        reverse("research:achievement_edit", args=[a.pk]),
        "title",
        lambda: Achievement.objects.get(pk=a.pk).title,
    )


def research_project_page(world, client_for):
    from xiaoben.research.models import ResearchProject
    from xiaoben.research.tests.factories import project

    p = project(world)
    return _page_route(
        client_for("dean"),
        reverse("research:project_edit", args=[p.pk]),
        "summary",
        lambda: ResearchProject.objects.get(pk=p.pk).summary,
    )


def resource_page(world, client_for):
    from xiaoben.resources.models import Resource
    from xiaoben.resources.tests.helpers import make_resource

    r = make_resource(world, index=False)
    return _page_route(
        client_for("teacher"), reverse("resources:edit", args=[r.pk]), "description", lambda: Resource.objects.get(pk=r.pk).description
    )


def summary_prose_page(world, client_for):
    from xiaoben.reports.models import SummaryDraft

    c = client_for("dean")
    query = f"?term={world.term.pk}&kind=term"
    page, save_url = reverse("reports:summary") + query, reverse("reports:summary_save") + query
    loaded: dict = {}

    def load():
        loaded.clear()
        loaded.update(_page_form(c.get(page).content.decode()))
        return int(loaded["version"][0])

    def save(v, text):
        r = c.post(save_url, {**loaded, "intro": [text], "version": ["" if v is None else str(v)]}, follow=True)
        return r

    def current():
        d = SummaryDraft.objects.first()
        return d.prose.get("intro", "") if d else ""

    return Route(load, save, current)


def _region_visit(world):
    from xiaoben.region.tests.test_visits import _visit

    return _visit(world)


def region_visit_reply_page(world, client_for):
    from xiaoben.region.models import SchoolVisit

    v, c = _region_visit(world), client_for("dean")
    loaded: dict = {}

    def load():
        loaded.clear()
        loaded.update(_page_form(c.get(v.get_absolute_url()).content.decode()))
        return int(loaded["version"][0])

    def save(version, text):
        data = {**loaded, "response": [text], "version": ["" if version is None else str(version)]}
        return c.post(reverse("region:visit_respond", args=[v.pk]), data, follow=True)

    return Route(load, save, lambda: SchoolVisit.objects.get(pk=v.pk).response)


def region_visit_reply_api(world, api_client_for):
    from xiaoben.region.models import SchoolVisit

    v, c = _region_visit(world), api_client_for("dean")
    return Route(
        lambda: c.get(f"/api/v1/region/visits/{v.pk}").json()["version"],
        lambda version, text: c.post(
            f"/api/v1/region/visits/{v.pk}/respond",
            {"response": text, **({} if version is None else {"version": version})},
            content_type="application/json",
        ),
        lambda: SchoolVisit.objects.get(pk=v.pk).response,
    )


ROUTES = {
    "teacher_profile_page": (teacher_profile, "client_for"),
    "minutes_page": (minutes_page, "client_for"),
    "minutes_autosave": (minutes_autosave, "client_for"),
    "minutes_api": (minutes_api, "api_client_for"),
    "writing_page": (writing_page, "client_for"),
    "writing_api": (writing_api, "api_client_for"),
    "observation_page": (observation_page, "client_for"),
    "observation_autosave": (observation_autosave, "client_for"),
    "requirement_page": (requirement_page, "client_for"),
    "requirement_api": (requirement_api, "api_client_for"),
    "activity_page": (activity_page, "client_for"),
    "plan_page": (plan_page, "client_for"),
    "plan_item_page": (plan_item_page, "client_for"),
    "plan_item_mark_page": (plan_item_mark_page, "client_for"),
    "plan_item_api": (plan_item_api, "api_client_for"),
    "research_project_page": (research_project_page, "client_for"),
    "achievement_page": (achievement_page, "client_for"),
    "resource_page": (resource_page, "client_for"),
    "summary_prose_page": (summary_prose_page, "client_for"),
    "region_visit_reply_page": (region_visit_reply_page, "client_for"),
    "region_visit_reply_api": (region_visit_reply_api, "api_client_for"),
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
