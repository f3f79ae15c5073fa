"""Region-wide requirements: schools adopt the district's, may make them stricter, never weaker."""

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.errors import NotPermitted
from xiaoben.requirements import services as req
from xiaoben.requirements.models import Requirement

pytestmark = pytest.mark.django_db


def _adopted(world):
    Requirement.objects.create(region=world.district, name="每学期听课不少于15节", metric="observations.given", period="term", threshold=15)
    (copy,) = [r for r in req.region_templates_adopt(school=world.school) if r.starter_key.startswith("region-")]
    return copy


def test_stricter_is_allowed(world):
    r = _adopted(world)
    req.requirement_update(requirement=r, expected_version=r.version, threshold=20)
    r.refresh_from_db()
    assert r.threshold == 20


@pytest.mark.parametrize("change", [{"threshold": 10}, {"active": False}, {"period": "month"}, {"metric": "writings.count"}])
def test_weaker_is_refused(world, change):
    r = _adopted(world)
    with pytest.raises(ValidationError) as e:
        req.requirement_update(requirement=r, expected_version=r.version, **change)
    assert "区里的统一要求" in e.value.messages[0]
    r.refresh_from_db()
    assert r.threshold == 15 and r.active and r.period == "term"


def test_cannot_be_deleted_but_own_ones_can(world):
    r = _adopted(world)
    with pytest.raises(NotPermitted) as e:
        req.requirement_delete(requirement=r)
    assert not e.value.hides_object
    assert Requirement.objects.filter(pk=r.pk).exists()
    own = req.requirement_create(school=world.school, name="每学期读书笔记2篇", metric="writings.count", period="term", threshold=2)
    req.requirement_delete(requirement=own)
    assert not Requirement.objects.filter(pk=own.pk).exists()


def test_a_retired_district_template_frees_the_school(world):
    r = _adopted(world)
    Requirement.objects.filter(school__isnull=True).update(active=False)
    req.requirement_update(requirement=r, expected_version=r.version, threshold=10)
    r.refresh_from_db()
    assert r.threshold == 10
