"""Every sharing level × every persona: who reads the resource, in lists, counts, search."""

import pytest

from xiaoben.core.scope import ANONYMOUS
from xiaoben.resources import search
from xiaoben.resources.models import Resource
from xiaoben.resources.selectors import resources_for

from .helpers import approve, make_resource, scope_of

# Resource by 刘思雨 (teacher, 实验小学, 语文组 + 三年级语文备课组).
EXPECTED = {
    "private": {"teacher", "platform_admin"},
    "group": {"teacher", "leader", "mentor", "principal", "dean", "platform_admin"},
    "school": {"teacher", "leader", "mentor", "colleague", "principal", "dean", "platform_admin"},
    "region": {"teacher", "leader", "mentor", "colleague", "principal", "dean", "platform_admin", "researcher"},
    "public": {
        "teacher",
        "leader",
        "mentor",
        "colleague",
        "principal",
        "dean",
        "platform_admin",
        "researcher",
        "other_researcher",
        "other_teacher",
        "anonymous",
    },
}
PERSONAS = [
    "anonymous",
    "platform_admin",
    "researcher",
    "other_researcher",
    "principal",
    "dean",
    "leader",
    "mentor",
    "teacher",
    "colleague",
    "other_teacher",
]


def _scope(world, persona):
    return ANONYMOUS if persona == "anonymous" else scope_of(world, persona)


@pytest.mark.parametrize("level", list(EXPECTED))
def test_visibility_matrix(world, level, client_for):
    kw = {"group": world.prep} if level == "group" else {}
    r = make_resource(world, title=f"矩阵资源{level}", visibility=level, **kw)
    if level in ("region", "public"):
        assert r.share_state == "pending"
        r = approve(world, r)
    for persona in PERSONAS:
        scope = _scope(world, persona)
        sees = resources_for(scope).filter(pk=r.pk).exists()
        assert sees == (persona in EXPECTED[level]), (level, persona)
        found = [x.entry.object_id for x in search.search(scope, f"矩阵资源{level}").results]
        assert (r.pk in found) == (persona in EXPECTED[level]), ("search", level, persona)
        if persona != "anonymous":
            status = client_for(persona).get(f"/resources/{r.pk}/").status_code
            assert status == (200 if persona in EXPECTED[level] else 404), ("page", level, persona, status)


def test_pending_region_share_is_read_as_school(world):
    r = make_resource(world, title="待审批", visibility="region")
    assert not resources_for(scope_of(world, "researcher")).filter(pk=r.pk).exists()
    assert resources_for(scope_of(world, "colleague")).filter(pk=r.pk).exists()


def test_alliance_school_reads_region_share(world):
    """A school of another district in the same alliance reads the region-shared resource."""
    world.other_school.alliances.add(world.alliance)
    r = approve(world, make_resource(world, title="联盟共享", visibility="region"))
    assert resources_for(scope_of(world, "other_teacher")).filter(pk=r.pk).exists()


def test_admin_share_is_approved_at_once_and_teacher_waits(world):
    r = make_resource(world, "dean", title="主任的", visibility="region")
    assert r.share_state == "approved"
    r2 = make_resource(world, title="老师的", visibility="public")
    assert r2.share_state == "pending"
    from xiaoben.core.errors import NotPermitted
    from xiaoben.resources import services

    with pytest.raises(NotPermitted):
        services.resource_share_decide(actor=scope_of(world, "leader"), resource=r2, approve=True)
    services.resource_share_decide(actor=scope_of(world, "principal"), resource=r2, approve=False)
    assert Resource.objects.get(pk=r2.pk).share_state == "rejected"


def test_other_school_resource_shows_the_school_name(world, client_for):
    r = approve(world, make_resource(world, title="外校看得见", visibility="region"))
    page = client_for("researcher").get(f"/resources/{r.pk}/").content.decode()
    assert world.school.name in page
    listing = client_for("researcher").get("/resources/?tab=region").content.decode()
    assert "外校看得见" in listing and (world.school.short_name in listing)


def test_counts_do_not_leak(world, client_for):
    for i in range(3):
        make_resource(world, title=f"私密{i}", visibility="private")
    body = client_for("other_teacher").get("/resources/search/", {"q": "私密"}).content.decode()
    assert "共 0 条结果" in body and "私密" in body  # the query was read, nothing found
    assert client_for("other_teacher").get("/resources/search/suggest/", {"q": "私密"}).json() == {"suggestions": []}
    assert len(client_for("teacher").get("/resources/search/suggest/", {"q": "私密"}).json()["suggestions"]) == 3
