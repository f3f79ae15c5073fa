"""A requirement identical to an existing one is reported and refused — through the form
and through plan import (issue 14, item 4)."""

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.scope import scope_for
from xiaoben.requirements import services
from xiaoben.requirements.models import Requirement

pytestmark = pytest.mark.django_db

SPEC = {"name": "每学期听课不少于20节", "metric": "observations.given", "period": "term", "threshold": 20}


def test_service_refuses_a_duplicate(world):
    services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **SPEC)
    with pytest.raises(ValidationError, match="与已有要求“每学期听课不少于20节”重复"):
        services.requirement_create(
            actor=scope_for(world.users["dean"]), school=world.school, **{**SPEC, "name": "听课20节", "threshold": 15}
        )
    # another period, other filters or another school are not duplicates
    services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **{**SPEC, "period": "week", "threshold": 1})
    services.requirement_create(actor=scope_for(world.users["platform_admin"]), school=world.other_school, **SPEC)
    assert Requirement.objects.filter(school=world.school).count() == 2


def test_filters_in_another_order_are_the_same(world):
    base = {"name": "反思", "metric": "writings.count", "period": "term", "threshold": 4}
    services.requirement_create(
        actor=scope_for(world.users["dean"]), school=world.school, filters={"kinds": ["reflection", "insight"]}, **base
    )
    with pytest.raises(ValidationError, match="重复"):
        services.requirement_create(
            actor=scope_for(world.users["dean"]), school=world.school, filters={"kinds": ["insight", "reflection"]}, **base
        )


def test_plan_import_reports_the_duplicate_and_saves_nothing(world):
    services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **SPEC)
    other = {
        "name": "每学期教学反思4篇",
        "metric": "writings.count",
        "period": "term",
        "threshold": 4,
        "filters": {"kinds": ["reflection"]},
    }
    with pytest.raises(ValidationError) as e:
        services.requirements_import(actor=scope_for(world.users["dean"]), school=world.school, proposals=[other, SPEC])
    assert "第2条" in e.value.messages[0] and "重复" in e.value.messages[0]
    assert Requirement.objects.filter(school=world.school).count() == 1


def test_form_shows_the_duplicate(world, client_for):
    services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **SPEC)
    c = client_for("dean")
    r = c.post(
        "/requirements/manage/new/",
        {
            "name": "听课",
            "applies_to": "all",
            "metric": "observations.given",
            "period": "term",
            "threshold": "20",
            "order": "50",
            "active": "on",
        },
    )
    assert r.status_code == 200 and "重复" in r.content.decode()
    assert Requirement.objects.filter(school=world.school).count() == 1
