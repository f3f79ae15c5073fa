"""Nothing in anyone's menu leads to a 404 (issue 14, item 8): the 教研员's and the
platform admin's entries included; the platform admin's 学期 page is not wrongly empty."""

import pytest

from xiaoben.core.nav import items_for
from xiaoben.core.scope import scope_for

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "researcher", "principal", "dean", "leader", "mentor", "teacher"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_menu_entry_answers(world, client_for, persona):
    client = client_for(persona)
    bad = {}
    for item in items_for(scope_for(world.users[persona])):
        r = client.get(item["url"])
        if r.status_code != 200:
            bad[item["label"]] = (item["url"], r.status_code)
    assert not bad, bad


def test_platform_admin_sees_every_schools_terms(world, client_for):
    html = client_for("platform_admin").get("/org/terms/").content.decode()
    assert "还没有学期" not in html
    assert world.term.name in html and (world.school.short_name or world.school.name) in html
    assert (world.other_school.short_name or world.other_school.name) in html
