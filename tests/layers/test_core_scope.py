"""Who may do what: the role → permission map seen through each persona."""

import pytest
from django.http import Http404

from xiaoben.core.scope import build_scope
from xiaoben.core.tenancy import get_object_for_user, visible_to
from xiaoben.org.models import Group, School, Teacher


@pytest.fixture
def scopes(world):
    return {p: build_scope(u) for p, u in world.users.items()}


def test_teacher_holds_teacher_perms_in_own_school_only(world, scopes):
    s = scopes["teacher"]
    assert s.can("observations:write", school_id=world.school.pk)
    assert not s.can("observations:write", school_id=world.other_school.pk)
    assert not s.can("org:manage", school_id=world.school.pk)
    assert not s.can("group:manage")


def test_group_leader_is_derived_from_leading_a_group(world, scopes):
    leader = scopes["leader"]
    assert leader.is_group_leader
    assert world.chinese.pk in leader.led_group_ids
    assert world.prep.pk in leader.led_group_ids  # 备课组 under the 教研组 he leads
    assert leader.can("group:manage", school_id=world.school.pk)
    assert not leader.can("org:manage", school_id=world.school.pk)
    assert not scopes["teacher"].is_group_leader


def test_school_admins_manage_their_school_only(world, scopes):
    for p in ("principal", "dean"):
        assert scopes[p].can("org:manage", school_id=world.school.pk)
        assert not scopes[p].can("org:manage", school_id=world.other_school.pk)
        assert scopes[p].admin_of(world.school.pk)


def test_researcher_reads_region_schools_not_others(world, scopes):
    r = scopes["researcher"]
    assert r.can("region:read")
    assert world.school.pk in r.region_school_ids
    assert world.other_school.pk not in r.region_school_ids
    assert not r.can("org:manage", school_id=world.school.pk)
    assert world.other_school.pk in scopes["other_researcher"].region_school_ids


def test_platform_admin_can_everything(scopes, world):
    assert scopes["platform_admin"].can("org:manage", school_id=world.other_school.pk)


def test_visible_teachers_by_persona(world):
    own = set(Teacher.objects.filter(school=world.school).values_list("pk", flat=True))
    other = set(Teacher.objects.filter(school=world.other_school).values_list("pk", flat=True))
    assert set(visible_to(world.users["teacher"], Teacher).values_list("pk", flat=True)) == own
    assert set(visible_to(world.users["other_teacher"], Teacher).values_list("pk", flat=True)) == other
    assert set(visible_to(world.users["researcher"], Teacher).values_list("pk", flat=True)) == own
    assert set(visible_to(world.users["platform_admin"], Teacher).values_list("pk", flat=True)) == own | other


def test_get_object_for_user_is_404_across_schools(world):
    with pytest.raises(Http404):
        get_object_for_user(world.users["other_teacher"], Group, pk=world.chinese.pk)
    assert get_object_for_user(world.users["teacher"], Group, pk=world.chinese.pk) == world.chinese


def test_unregistered_model_fails_closed(world):
    from xiaoben.core.models import ApiToken

    assert visible_to(world.users["teacher"], ApiToken).count() == 0


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert visible_to(AnonymousUser(), School).count() == 0


def test_scope_costs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        build_scope(world.users["leader"])
    with django_assert_max_num_queries(5):
        build_scope(world.users["researcher"])
