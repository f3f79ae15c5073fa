"""The worst bug this product can have is a cross-school read. These tests walk the
whole demo (every app's seed) through the one door with outsiders' eyes:

- every model with a visibility rule: a teacher of another school and a 教研员 of
  another district see none of 实验小学's rows;
- every model with get_absolute_url: their detail pages answer 404 to an outsider;
- every URL without arguments, with every persona: never a server error, anonymous
  visitors are sent to the sign-in page (or 401 from the API)."""

import pytest
from django.core.management import call_command
from django.db import models
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from xiaoben.core.tenancy import registered_models, visible_to
from xiaoben.org.models import Region, RoleAssignment, School, Teacher
from xiaoben.resources.models import Resource
from xiaoben.writings.models import Writing

# Models an outsider may legitimately read across schools, and why.
SHARED = {
    Region: "the region tree is public structure",
}


# Rows a school deliberately publishes beyond itself (model name -> Q of those rows).
# Everything else of a school must stay invisible to outsiders.
_SHARED_RESOURCE = Q(visibility__in=["region", "public"], share_state="approved")
PUBLISHED = {
    "Writing": Q(visibility="region") & ~Q(status="draft"),  # 区域共享 writings, read by the district
    # 资源库: region-shared (approved by the school) and public resources, their files, their search
    # entries (and those of region-shared writings); published 晒课 results of the district.
    "Resource": _SHARED_RESOURCE,
    "ResourceFile": Q(resource__visibility__in=["region", "public"], resource__share_state="approved"),
    "SearchEntry": Q(category="resource", object_id__in=Resource.objects.filter(_SHARED_RESOURCE).values("pk"))
    | Q(category="writing", object_id__in=Writing.objects.filter(visibility="region").exclude(status="draft").values("pk")),
    "ShowcaseEntry": Q(round__status="published"),
    # 教研联盟: an alliance's profile (its lead school) is read by the admins of its member schools.
    "Alliance": Q(region__member_schools__code="NH-DEZX"),
    # An expert of another school sees the scores they gave themselves (never the others').
    "ShowcaseScore": Q(expert__teacher__school__code="NH-DEZX"),
}

pytestmark = pytest.mark.django_db


def _school_path(model: type[models.Model], depth: int = 0) -> str | None:
    """The lookup from `model` to its School, e.g. 'school' or 'activity__school'."""
    if model is School:
        return "id"
    fields = [f for f in model._meta.get_fields() if isinstance(f, models.ForeignKey | models.OneToOneField) and not f.auto_created]
    for f in fields:
        if f.related_model is School:
            return f.name
    if depth < 2:
        for f in fields:
            if f.related_model in (Region,) or f.related_model is None or f.related_model._meta.app_label in ("auth", "contenttypes"):
                continue
            sub = _school_path(f.related_model, depth + 1)
            if sub and sub != "id":
                return f"{f.name}__{sub}"
    return None


@pytest.fixture
def demo(frozen_today):
    call_command("seed_demo", today="2026-11-18", verbosity=0)
    school = School.objects.get(code="NH-SYXX")
    outsider = Teacher.objects.filter(school__code="NH-DEZX").order_by("staff_no").first()
    far_district = Region.objects.create(name="秀洲区", kind="district", parent=school.region.parent)
    from django.contrib.auth import get_user_model

    far_researcher = get_user_model().objects.create_user(username="far-jyy", password="x-Pa55word")
    RoleAssignment.objects.create(user=far_researcher, role="researcher", region=far_district)
    return {"school": school, "outsiders": {"other_school_teacher": outsider.user, "other_district_researcher": far_researcher}}


def test_no_cross_school_rows_through_the_door(demo):
    school = demo["school"]
    checked = []
    for model in registered_models():
        if model in SHARED:
            continue
        path = _school_path(model)
        if path is None:
            continue
        own_rows = model._default_manager.filter(**{path: school.pk})
        if not own_rows.exists():
            continue
        checked.append(model.__name__)
        for who, user in demo["outsiders"].items():
            leaked = visible_to(user, model).filter(**{path: school.pk})
            if model.__name__ in PUBLISHED:
                leaked = leaked.exclude(PUBLISHED[model.__name__])
            assert not leaked.exists(), f"{who} sees {leaked.count()} {model.__name__} rows of {school.name}"
    assert "Teacher" in checked and "Group" in checked


def test_outsiders_get_404_on_detail_pages(demo):
    school = demo["school"]
    client = Client()
    client.force_login(demo["outsiders"]["other_school_teacher"])
    walked: dict[str, int] = {}
    for model in registered_models():
        path = _school_path(model)
        if path is None or model in SHARED or not hasattr(model, "get_absolute_url"):
            continue
        rows = model._default_manager.filter(**{path: school.pk})
        if model.__name__ in PUBLISHED:  # what the school shares beyond itself is meant to be read
            rows = rows.exclude(PUBLISHED[model.__name__])
        for obj in rows[:3]:
            url = obj.get_absolute_url()
            r = client.get(url)
            assert r.status_code == 404, f"{model.__name__} {url} answered {r.status_code} to a teacher of another school"
            walked[model.__name__] = walked.get(model.__name__, 0) + 1
    # The records that matter most must have been walked, not silently skipped.
    for name in ("Teacher", "Group", "Observation", "Writing", "Activity"):
        assert walked.get(name), f"no {name} detail page was walked: {sorted(walked)}"


def _simple_urls(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        route = str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith(("django-admin", "i18n")):
                continue
            yield from _simple_urls(p, prefix + route)
        elif isinstance(p, URLPattern):
            full = prefix + route
            if "<" in full or "(?P" in full or "^" in full:
                continue
            yield "/" + full


SKIP = ("/accounts/logout/", "/api/v1/docs")
# Pages meant for visitors without an account (they show 公开 rows only).
PUBLIC_URLS = {"/accounts/login/", "/favicon.ico", "/resources/public/", "/resources/search/", "/resources/search/suggest/"}


def test_every_simple_url_with_every_persona(demo):
    users = {"anonymous": None, **demo["outsiders"]}
    from django.contrib.auth import get_user_model

    User = get_user_model()
    for username in ("admin", "jyy", "NH-SYXX-X001", "NH-SYXX-X002"):
        users[username] = User.objects.get(username=username)
    urls = sorted(set(_simple_urls()))
    assert "/org/teachers/" in urls
    for who, user in users.items():
        client = Client(raise_request_exception=False)
        if user is not None:
            client.force_login(user)
        for url in urls:
            if url in SKIP:
                continue
            r = client.get(url)
            assert r.status_code < 500, f"{who} GET {url} -> {r.status_code}"
            if who == "anonymous" and not url.startswith("/api/") and url not in PUBLIC_URLS:
                assert r.status_code in (302, 404, 405), f"anonymous GET {url} -> {r.status_code}"
                if r.status_code == 302:
                    assert r.url.startswith("/accounts/login/"), f"anonymous GET {url} -> {r.url}"
            if who == "anonymous" and url.startswith("/api/v1/") and url not in ("/api/v1/openapi.json",):
                assert r.status_code in (401, 404, 405), f"anonymous GET {url} -> {r.status_code}"


def test_readme_personas_agree_with_the_demo(demo):
    """Issue 14, item 12: the README's mentor of 蔡琳 is the demo's."""
    import re
    from pathlib import Path

    from xiaoben.mentoring.models import Mentorship

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    m = re.search(r"`X009` \| (\S+?)，.*师傅是(\S+?)（`(X\d+)`）", readme)
    assert m, "README names 蔡琳's 师傅"
    pair = Mentorship.objects.select_related("mentor", "mentee").get(mentee__school=demo["school"], mentee__staff_no="X009", is_active=True)
    assert (pair.mentee.name, pair.mentor.name, pair.mentor.staff_no) == (m[1], m[2], m[3])


def _hide(obj, elsewhere: School, viewer) -> None:
    """Put `obj` out of reach of its school: soft-deleted, or moved to a school of another district."""
    model = type(obj)
    if hasattr(obj, "attendances"):  # the people invited to an activity see it wherever it is
        obj.attendances.all().delete()
    manager = getattr(model, "all_objects", model._default_manager)
    if hasattr(obj, "deleted_at"):
        manager.filter(pk=obj.pk).update(deleted_at="2026-11-17T00:00:00Z")
        assert not visible_to(viewer, model).filter(pk=obj.pk).exists()
        return
    if not any(f.name == "school" for f in model._meta.get_fields()):  # a part of a record (a plan's item): hide the record
        owner = getattr(obj, _school_path(model).split("__")[0])
        _hide(owner, elsewhere, viewer)
        assert not visible_to(viewer, model).filter(pk=obj.pk).exists(), f"could not hide {model.__name__} {obj.pk}"
        return
    changes = {"school": elsewhere}
    if any(f.name == "region" for f in model._meta.get_fields()):
        changes["region"] = None
    manager.filter(pk=obj.pk).update(**changes)
    assert not visible_to(viewer, model).filter(pk=obj.pk).exists(), f"could not hide {model.__name__} {obj.pk}"


def test_records_shown_through_another_are_asked_about_again(demo):
    """Every declared reference (a 查重 source, a linked activity, a flag's similar record…):
    the page of the referring record shows the target while the viewer may see it, and
    nothing of it once it is out of reach (deleted, or another school's)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from xiaoben.core.tenancy import shown_references

    school = demo["school"]
    viewer = get_user_model().objects.filter(role_assignments__role="school_admin", role_assignments__school=school).first()
    viewer = viewer or RoleAssignment.objects.filter(school=school, role__in=["principal", "school_admin"]).first().user
    far = Region.objects.create(name="远方区", kind="district", parent=school.region.parent)
    elsewhere = School.objects.create(name="远方学校", code="FAR-X", stage="primary", region=far)
    client = Client()
    client.force_login(viewer)
    walked = []
    for ref in shown_references():
        field = ref.model._meta.get_field(ref.field)
        path = _school_path(ref.model)
        rows = list(ref.model._default_manager.filter(**{path: school.pk, f"{ref.field}__isnull": False})[:2])
        if not rows:  # the demo does not link these: link one of the school's rows to another
            row = ref.model._default_manager.filter(**{path: school.pk}).first()
            target = field.related_model._default_manager.filter(**{_school_path(field.related_model): school.pk}).first()
            assert row and target, f"the demo has no {ref.model.__name__} to walk"
            ref.model._default_manager.filter(pk=row.pk).update(**{ref.field: target})
            rows = [ref.model._default_manager.get(pk=row.pk)]
        for i, row in enumerate(rows):
            target = getattr(row, ref.field)
            marker = f"参照记录标记{ref.model.__name__}{ref.field}{i}"
            with transaction.atomic():
                type(target)._default_manager.filter(pk=target.pk).update(**{ref.marker_field: marker})
                pages = ref.pages(row)
                shown = [client.get(url).content.decode() for url in pages]
                assert any(marker in p for p in shown), f"{ref.model.__name__}.{ref.field}: {pages} do not show the visible target"
                _hide(target, elsewhere, viewer)
                for url in pages:
                    r = client.get(url)
                    assert r.status_code == 200, f"{url} -> {r.status_code}"
                    assert marker not in r.content.decode(), f"{url} shows a {field.related_model.__name__} out of reach"
                transaction.set_rollback(True)
            walked.append(f"{ref.model.__name__}.{ref.field}")
    assert {"FeedbackFlag.similar_to", "Observation.activity", "LessonPlanVersion.writing"} <= set(walked)


def test_demo_observers_are_never_in_two_lessons_at_once(demo):
    """Issue 14, item 12: nobody observes two (let alone three) lessons in one 第N节 of a day."""
    from django.db.models import Count

    from xiaoben.observations.models import Observation

    clashes = list(
        Observation.all_objects.exclude(period=None)
        .values("observer__name", "lesson_date", "period")
        .annotate(n=Count("id"))
        .filter(n__gt=1)[:5]
    )
    assert not clashes, clashes
