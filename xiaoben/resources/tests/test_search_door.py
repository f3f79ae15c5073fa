"""The door on the search entry (search.py): the access flags and lexemes kept by the indexers
must let through exactly what each model's own rule lets through — for every persona, every
sharing level, personal links across schools, and after changes that never call save()."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType

from xiaoben.activities.models import Activity, Attendance
from xiaoben.core.scope import ANONYMOUS
from xiaoben.core.tenancy import visible_to
from xiaoben.observations.models import Observation
from xiaoben.org.models import School
from xiaoben.org.testing import PERSONAS, make_teacher
from xiaoben.resources import search
from xiaoben.resources import services as svc
from xiaoben.resources.models import Resource, SearchEntry
from xiaoben.resources.selectors import public_resources
from xiaoben.writings.models import Writing

from .helpers import approve, make_resource, scope_of

WORD = "矩阵检索"


def _approved(r):
    """Approved by the school's admin (the other schools of the world have no admin persona)."""
    r.share_state = "approved"
    r.save(update_fields=["share_state"])
    search.index_pk(Resource, r.pk)


@pytest.fixture
def district_world(world):
    """The persona world plus a school of the same district (neighbour) and the other school in the
    alliance; records of every sharing level in all three schools, linked across schools."""
    neighbour_school = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    neighbour = make_teacher(neighbour_school, "041", "吴越", since=dt.date(2012, 9, 1), birth=dt.date(1988, 1, 1))
    world.users["neighbour"] = neighbour.user
    world.neighbour = neighbour
    world.other_school.alliances.add(world.alliance)

    for level in ("private", "group", "school", "region", "public"):
        kw = {"group": world.prep} if level == "group" else {}
        make_resource(world, title=f"{WORD}{level}待批", visibility=level, **kw)
        if level in ("region", "public"):
            approve(world, make_resource(world, title=f"{WORD}{level}已批", visibility=level))
            _approved(make_resource(world, "neighbour", title=f"{WORD}邻校{level}", visibility=level))
            _approved(make_resource(world, "other_teacher", title=f"{WORD}联盟{level}", visibility=level))
    rejected = make_resource(world, title=f"{WORD}被退回", visibility="region")
    svc.resource_share_decide(actor=scope_of(world, "principal"), resource=rejected, approve=False)
    co = make_resource(world, "other_teacher", title=f"{WORD}合著", visibility="private", index=False)
    co.coauthors.add(world.teacher)
    search.index_pk(Resource, co.pk)

    for author, school, term, tag in ((world.teacher, world.school, world.term, ""), (neighbour, neighbour_school, world.term, "邻")):
        for status in ("draft", "submitted", "reviewed"):
            for vis in ("private", "group", "school", "region"):
                Writing.objects.create(
                    school=school,
                    term=term,
                    author=author,
                    kind="reflection",
                    title=f"{WORD}{tag}{status}{vis}",
                    body="正文",
                    written_on=world.today,
                    status=status,
                    visibility=vis,
                )
    Activity.objects.create(school=world.school, term=world.term, kind="seminar", title=f"{WORD}本校活动", status="held")
    elsewhere = Activity.objects.create(
        school=world.other_school, term=world.other_term, kind="seminar", title=f"{WORD}外校活动", status="held"
    )
    Activity.objects.create(school=neighbour_school, kind="seminar", title=f"{WORD}邻校活动", status="held")
    regional = Activity.objects.create(school=None, region=world.district, kind="seminar", title=f"{WORD}区域活动", status="held")
    # sign-ins made in bulk (no signals): the door looks them up when searching
    Attendance.objects.bulk_create(
        [Attendance(activity=elsewhere, teacher=world.teacher), Attendance(activity=regional, teacher=world.leader)]
    )
    Observation.objects.create(
        school=world.other_school,
        term=world.other_term,
        observer=world.teacher,
        teacher=world.other_teacher,
        lesson_date=world.today,
        lesson_title=f"{WORD}外校听课",
        strengths="好",
        status="submitted",
    )
    Observation.objects.create(
        school=world.school,
        term=world.term,
        observer=world.leader,
        teacher=world.teacher,
        lesson_date=world.today,
        lesson_title=f"{WORD}本校听课",
        strengths="好",
        status="submitted",
    )
    search.reindex()
    search.discard_pending()  # the saves above were indexed by reindex(); tests never commit
    return world


def _truth(scope) -> set[tuple[str, int]]:
    """What the models' own rules let this reader open, among the indexed records."""
    out = set()
    for ix in search.indexers():
        ct = ContentType.objects.get_for_model(ix.model)
        ids = SearchEntry.objects.filter(content_type=ct).values_list("object_id", flat=True)
        if scope is ANONYMOUS:
            allowed = public_resources().filter(pk__in=ids) if ix.model is Resource else ix.model.objects.none()
        else:
            allowed = visible_to(scope, ix.model).filter(pk__in=list(ids))
        out |= {(ix.category, pk) for pk in allowed.values_list("pk", flat=True)}
    return out


def _scope(world, persona):
    return ANONYMOUS if persona == "anonymous" else scope_of(world, persona)


ALL = ["anonymous", *PERSONAS, "neighbour"]


@pytest.mark.parametrize("persona", ALL)
def test_door_equals_the_models_rules(district_world, persona):
    world = district_world
    scope = _scope(world, persona)
    truth = _truth(scope)
    door = {(e.category, e.object_id) for e in search.visible_entries(scope, SearchEntry.objects.all())}
    assert door == truth, (persona, sorted(door ^ truth))
    page = search.search(scope, WORD, limit=500)
    found = {(x.entry.category, x.entry.object_id) for x in page.results}
    assert found == truth, (persona, sorted(found ^ truth))
    assert page.total == len(truth) and not page.more
    counts = {c: int(n) for c, _, n in page.facets["category"]}
    assert counts == {c: sum(1 for k, _ in truth if k == c) for c in {k for k, _ in truth}}
    suggested = set(search.suggest(scope, WORD, limit=500))
    titles = set(SearchEntry.objects.filter(pk__in=[x.entry.pk for x in page.results]).values_list("title", flat=True))
    assert suggested == titles


def test_the_cases_the_flags_must_not_grant(district_world):
    """Spot checks of the matrix above, written out: who reads what across schools."""
    world = district_world

    def titles(persona):
        return {x.entry.title.split("（")[0] for x in search.search(_scope(world, persona), WORD, limit=500).results}

    neighbour = titles("neighbour")
    assert f"{WORD}region已批" in neighbour and f"{WORD}submittedregion" in neighbour  # same district
    assert f"{WORD}region待批" not in neighbour and f"{WORD}draftregion" not in neighbour and f"{WORD}被退回" not in neighbour
    assert f"{WORD}submittedschool" not in neighbour and f"{WORD}本校活动" not in neighbour
    other = titles("other_teacher")  # other district, in the alliance: region resources, not writings
    assert f"{WORD}region已批" in other and f"{WORD}submittedregion" not in other
    assert f"{WORD}合著" in other  # their own
    teacher = titles("teacher")
    assert {f"{WORD}合著", f"{WORD}外校活动", f"{WORD}外校听课"} <= teacher  # co-author, signed up, observer
    assert f"{WORD}邻校活动" not in teacher and f"{WORD}区域活动" not in teacher
    assert f"{WORD}区域活动" in titles("leader")  # signed up to the district's activity
    researcher = titles("researcher")
    assert {f"{WORD}邻校活动", f"{WORD}本校活动", f"{WORD}区域活动", f"{WORD}submittedregion"} <= researcher
    assert f"{WORD}submittedschool" not in researcher and f"{WORD}外校听课" not in researcher
    assert titles("anonymous") == {f"{WORD}public已批", f"{WORD}邻校public", f"{WORD}联盟public"}


def test_changes_without_save_keep_the_door_current(district_world, django_capture_on_commit_callbacks):
    """A writing withdrawn (a conditional UPDATE) leaves the district at once; a resource made
    private leaves it too; a co-author added later reads the resource."""
    from xiaoben.writings import services as wsvc

    world = district_world
    w = Writing.objects.get(title=f"{WORD}submittedregion", author=world.teacher)
    assert f"{WORD}submittedregion" in {x.entry.title for x in search.search(scope_of(world, "neighbour"), WORD, limit=500).results}
    with django_capture_on_commit_callbacks(execute=True):
        wsvc.writing_withdraw(writing=w, actor=scope_of(world, "teacher"))
    entry = SearchEntry.objects.get(category="writing", object_id=w.pk)
    assert not entry.shared_district and "§rd" not in entry.acl
    for persona in ("neighbour", "researcher", "colleague"):
        got = {(x.entry.category, x.entry.object_id) for x in search.search(scope_of(world, persona), WORD, limit=500).results}
        assert ("writing", w.pk) not in got and got == _truth(scope_of(world, persona))

    r = Resource.objects.get(title=f"{WORD}region已批")
    with django_capture_on_commit_callbacks(execute=True):
        svc.resource_set_visibility(actor=scope_of(world, "teacher"), resource=r, visibility="private")
    for persona in ("neighbour", "researcher", "other_teacher", "colleague"):
        got = {
            x.entry.object_id for x in search.search(scope_of(world, persona), WORD, limit=500).results if x.entry.category == "resource"
        }
        assert r.pk not in got

    mine = Resource.objects.get(title=f"{WORD}private待批")
    with django_capture_on_commit_callbacks(execute=True):
        mine.coauthors.add(world.neighbour)
    assert mine.pk in {
        x.entry.object_id for x in search.search(scope_of(world, "neighbour"), WORD, limit=500).results if x.entry.category == "resource"
    }


def test_refill_access_restores_the_flags(district_world):
    """`search_reindex --access` (after migration 0005) writes the same flags the indexers write."""
    before = dict(SearchEntry.objects.values_list("pk", "acl"))
    SearchEntry.objects.update(acl="", shared_public=False, shared_district=False, shared_alliance=False, region_staff=False)
    search.refill_access()
    assert dict(SearchEntry.objects.values_list("pk", "acl")) == before


def test_broad_word_counts_stop_at_the_cap_and_read_newest_first(world, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 5)
    for i in range(8):
        make_resource(world, title=f"宽泛词{i}")
    page = search.search(scope_of(world, "teacher"), "宽泛词", limit=3)
    assert page.more and page.total_display == "5+" and page.facets["category"] == [("resource", "资源", "5+")]
    assert len(page.results) == 3
    days = [x.entry.day for x in page.results]
    assert days == sorted(days, reverse=True)
    assert search.search(scope_of(world, "other_teacher"), "宽泛词").results == []


def test_a_school_that_moves_district_takes_its_shares_along(district_world, django_capture_on_commit_callbacks):
    world = district_world
    school = world.neighbour.school
    shared = Resource.objects.get(title=f"{WORD}邻校region")

    def sees(persona):
        return shared.pk in {
            x.entry.object_id for x in search.search(scope_of(world, persona), WORD, limit=500).results if x.entry.category == "resource"
        }

    assert sees("researcher") and not sees("other_researcher")
    with django_capture_on_commit_callbacks(execute=True):
        school.region = world.other_district
        school.save()
    assert not sees("researcher") and sees("other_researcher")
    for persona in ("researcher", "other_researcher", "teacher", "other_teacher"):
        scope = scope_of(world, persona)
        got = {(x.entry.category, x.entry.object_id) for x in search.search(scope, WORD, limit=500).results}
        assert got == _truth(scope), persona
