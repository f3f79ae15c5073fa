"""Region-wide requirements: schools adopt the district's, may make them stricter, never weaker."""

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.requirements import services as req
from xiaoben.requirements.models import Requirement

pytestmark = pytest.mark.django_db


def _adopted(world):
    Requirement.objects.create(region=world.district, name="每学期听课不少于15节", metric="observations.given", period="term", threshold=15)
    (copy,) = [
        r
        for r in req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
        if r.starter_key.startswith("region-")
    ]
    return copy


def test_stricter_is_allowed(world):
    r = _adopted(world)
    req.requirement_update(actor=scope_for(world.users["dean"]), requirement=r, expected_version=r.version, threshold=20)
    r.refresh_from_db()
    assert r.threshold == 20


@pytest.mark.parametrize("change", [{"threshold": 10}, {"active": False}, {"period": "month"}, {"metric": "writings.count"}])
def test_weaker_is_refused(world, change):
    r = _adopted(world)
    with pytest.raises(ValidationError) as e:
        req.requirement_update(actor=scope_for(world.users["dean"]), requirement=r, expected_version=r.version, **change)
    assert "区里的统一要求" in e.value.messages[0]
    r.refresh_from_db()
    assert r.threshold == 15 and r.active and r.period == "term"


def test_cannot_be_deleted_but_own_ones_can(world):
    r = _adopted(world)
    with pytest.raises(NotPermitted) as e:
        req.requirement_delete(actor=scope_for(world.users["dean"]), requirement=r)
    assert not e.value.hides_object
    assert Requirement.objects.filter(pk=r.pk).exists()
    own = req.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学期读书笔记2篇",
        metric="writings.count",
        period="term",
        threshold=2,
    )
    req.requirement_delete(actor=scope_for(world.users["dean"]), requirement=own)
    assert not Requirement.objects.filter(pk=own.pk).exists()


def test_a_retired_district_template_frees_the_school(world):
    r = _adopted(world)
    Requirement.objects.filter(school__isnull=True).update(active=False)
    req.requirement_update(actor=scope_for(world.users["dean"]), requirement=r, expected_version=r.version, threshold=10)
    r.refresh_from_db()
    assert r.threshold == 10


def _own(world, threshold, **kw):
    return req.requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name=f"每学期听课不少于{threshold}节",
        metric="observations.given",
        period="term",
        threshold=threshold,
        **kw,
    )


def _template(world, threshold=15):
    return Requirement.objects.create(
        region=world.district, name=f"区：每学期听课不少于{threshold}节", metric="observations.given", period="term", threshold=threshold
    )


def test_a_schools_stricter_twin_becomes_its_copy_of_the_districts(world):
    """The seed stopped here before: the district's 15 beside the school's own 20 was refused
    as a duplicate. Now the school's own stricter requirement stands for the district's."""
    own = _own(world, 20)
    t = _template(world)
    assert req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school) == []
    own.refresh_from_db()
    assert own.starter_key == f"region-{t.pk}" and own.threshold == 20 and own.name == "每学期听课不少于20节"
    assert Requirement.objects.filter(school=world.school, metric="observations.given", active=True).count() == 1
    with pytest.raises(ValidationError):  # from now on held to the district's bar
        req.requirement_update(actor=scope_for(world.users["dean"]), requirement=own, expected_version=own.version, threshold=12)
    assert req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school) == []  # adopting again changes nothing


def test_a_schools_weaker_twin_is_raised_to_the_districts_bar(world):
    own = _own(world, 10)
    t = _template(world)
    req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    own.refresh_from_db()
    assert (own.starter_key, own.threshold, own.name) == (f"region-{t.pk}", 15, t.name)


def test_a_twin_for_other_people_is_not_a_twin(world):
    """A school's own quota for new teachers only is another requirement: both hold."""
    _own(world, 5, applies_to="new_teachers")
    t = _template(world)
    (copy,) = req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    assert copy.starter_key == f"region-{t.pk}" and copy.threshold == 15


def test_starter_set_skips_what_the_district_copy_already_counts(world):
    _template(world, threshold=25)
    req.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    created = req.starter_set_adopt(
        actor=scope_for(world.users["dean"]), school=world.school
    )  # its 每学期听课不少于20节 would count everyone twice
    assert not [r for r in created if r.metric == "observations.given" and r.period == "term" and not r.filters]
    assert req.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school) == []
