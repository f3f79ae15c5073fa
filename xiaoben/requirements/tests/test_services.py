"""Services: adopting the starter set and the district's templates, validation."""

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.requirements import services
from xiaoben.requirements.models import Requirement

pytestmark = pytest.mark.django_db


def test_adopting_twice_keeps_edits_and_adds_nothing(world):
    first = services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    assert len(first) == 9
    r = Requirement.objects.get(school=world.school, starter_key="observe_20")
    services.requirement_update(actor=scope_for(world.users["dean"]), requirement=r, expected_version=r.version, threshold=15)
    assert services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school) == []
    r.refresh_from_db()
    assert r.threshold == 15


def test_district_templates_are_copied_once(world):
    Requirement.objects.create(
        region=world.district, name="每学年培训不少于72学时", metric="hours.total", period="school_year", threshold=72
    )
    Requirement.objects.create(region=world.other_district, name="别区的要求", metric="hours.total", period="term", threshold=5)
    created = services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    names = {r.name for r in created}
    assert "每学年培训不少于72学时" in names and "别区的要求" not in names
    assert services.region_templates_adopt(actor=scope_for(world.users["dean"]), school=world.school) == []
    copy = Requirement.objects.get(school=world.school, name="每学年培训不少于72学时")
    assert copy.region_id is None


@pytest.mark.parametrize(
    "kw,message",
    [
        ({"metric": "nope"}, "未知的统计项"),
        ({"filters": {"kinds": ["poem"]}}, "取值无效"),
        ({"filters": {"colour": ["red"]}}, "没有筛选条件"),
        ({"threshold": 0}, "数量要求必须大于0"),
        ({"applies_to": "group"}, "请选择小组"),
        ({"applies_to": "role"}, "请填写角色"),
    ],
)
def test_invalid_requirements_are_refused_in_chinese(world, kw, message):
    base = {"name": "测试", "metric": "observations.given", "period": "term", "threshold": 5}
    with pytest.raises(ValidationError) as e:
        services.requirement_create(actor=scope_for(world.users["dean"]), school=world.school, **(base | kw))
    assert message in "；".join(e.value.messages)
    assert not Requirement.objects.exists()


def test_group_of_another_school_is_refused(world):
    from xiaoben.org import services as org

    g = org.group_create(actor=SYSTEM, school=world.other_school, kind="subject", name="语文组", subject="语文")
    with pytest.raises(ValidationError):
        services.requirement_create(
            actor=scope_for(world.users["dean"]),
            school=world.school,
            name="x",
            metric="observations.given",
            period="term",
            threshold=5,
            applies_to="group",
            group=g,
        )


def test_import_is_all_or_nothing(world):
    good = {"name": "每学期听课不少于20节", "metric": "observations.given", "period": "term", "threshold": 20}
    bad = {"name": "坏的", "metric": "observations.given", "period": "term", "threshold": 0}
    with pytest.raises(ValidationError) as e:
        services.requirements_import(actor=scope_for(world.users["dean"]), school=world.school, proposals=[good, bad])
    assert "第2条" in e.value.messages[0]
    assert not Requirement.objects.exists()
