"""Every org page × every persona, personal data (PIPL), and query counts."""

import pytest
from django.urls import reverse

from xiaoben.core.scope import SYSTEM
from xiaoben.org import services

# persona -> expected status for pages about the persona's own school
LIST_PAGES = ["org:teachers", "org:groups"]


@pytest.mark.parametrize("name", LIST_PAGES)
@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("leader", 200),
        ("dean", 200),
        ("principal", 200),
        ("other_teacher", 200),
        ("platform_admin", 200),
    ],
)
def test_list_pages_by_persona(client_for, name, persona, status):
    r = client_for(persona).get(reverse(name))
    assert r.status_code == status


def test_lists_show_own_school_only(world, client_for):
    body = client_for("other_teacher").get(reverse("org:teachers")).content.decode()
    assert world.other_teacher.name in body and world.teacher.name not in body
    body = client_for("teacher").get(reverse("org:teachers")).content.decode()
    assert world.teacher.name in body and world.other_teacher.name not in body
    # asking for another school's roster by id falls back to one's own
    body = client_for("teacher").get(reverse("org:teachers") + f"?school={world.other_school.pk}").content.decode()
    assert world.other_teacher.name not in body


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("dean", 200),
        ("researcher", 200),
        ("other_teacher", 404),
        ("other_researcher", 404),
        ("platform_admin", 200),
    ],
)
def test_teacher_detail_by_persona(world, client_for, persona, status):
    assert client_for(persona).get(reverse("org:teacher_detail", args=[world.mentor.pk])).status_code == status


@pytest.mark.parametrize(
    "persona,status",
    [("teacher", 200), ("other_teacher", 404), ("researcher", 200), ("other_researcher", 404)],
)
def test_group_detail_by_persona(world, client_for, persona, status):
    assert client_for(persona).get(reverse("org:group_detail", args=[world.chinese.pk])).status_code == status


@pytest.mark.parametrize(
    "persona,status", [("teacher", 404), ("leader", 404), ("dean", 200), ("principal", 200), ("researcher", 404), ("other_teacher", 404)]
)
def test_terms_page_for_admins_only(client_for, persona, status):
    assert client_for(persona).get(reverse("org:terms")).status_code == status


@pytest.mark.parametrize(
    "persona,sees", [("mentor", False), ("leader", False), ("dean", True), ("principal", True), ("teacher", True), ("researcher", False)]
)
def test_birth_date_shown_only_to_self_and_admins(world, client_for, persona, sees):
    body = client_for(persona).get(reverse("org:teacher_detail", args=[world.teacher.pk])).content.decode()
    assert ("2001年6月30日" in body) is sees
    assert (world.teacher.user.phone in body) is sees


def test_roster_list_query_count_is_constant(world, client_for, django_assert_num_queries):
    client = client_for("dean")
    client.get(reverse("org:teachers"))  # warm up: session, content types

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("org:teachers")).status_code == 200
        return len(ctx)

    before = count()
    for i in range(40):
        services.teacher_create(actor=SYSTEM, school=world.school, staff_no=f"9{i:02d}", name=f"测试{i}", gender="F")
    assert count() == before


def test_groups_query_count_is_constant(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("dean")
    client.get(reverse("org:groups"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("org:groups"))
        return len(ctx)

    before = count()
    for i in range(15):
        g = services.group_create(actor=SYSTEM, school=world.school, kind="project", name=f"课题组{i}")
        services.group_set_members(actor=SYSTEM, group=g, leader_ids=[world.mentor.pk], member_ids=[world.teacher.pk])
    assert count() == before


@pytest.mark.parametrize("persona", ["teacher", "leader", "dean", "principal", "researcher", "platform_admin", "other_teacher"])
def test_home_page_makes_sense_for_each_role(world, client_for, persona):
    r = client_for(persona).get("/")
    assert r.status_code == 200
    body = r.content.decode()
    if persona in ("teacher", "leader", "dean", "principal"):
        assert "南湖区实验小学" in body
        assert "2026-2027学年第一学期" in body
    if persona == "researcher":
        assert "辖区学校" in body and "南湖区实验小学" in body
    if persona == "leader":
        assert "语文组" in body
