"""The home page's cards come from every app (`<app>/home.py`); together they stay within an
absolute query budget that does not grow with records (issue #13: the teacher home issued 41
queries on PostgreSQL before the cards shared the teacher's progress and the engine sent its
aggregates in one statement)."""

import datetime as dt

import pytest

from tests import factories as f
from xiaoben.core.scope import scope_for
from xiaoben.core.testing import assert_queries
from xiaoben.requirements import services
from xiaoben.requirements.kept import REFRESH_QUERIES

pytestmark = pytest.mark.django_db

# persona -> absolute budget of the home page (session, user and scope queries included)
# (the leader's and dean's homes read kept counts, and their 学时 card its target requirement rows)
BUDGET = {"teacher": 26, "leader": 40, "dean": 42}


def wk(n: int) -> dt.date:
    return dt.date(2026, 8, 31) + dt.timedelta(weeks=n - 1, days=2)


@pytest.mark.parametrize("persona", sorted(BUDGET))
def test_home_within_budget_whatever_the_records(world, client_for, persona):
    services.starter_set_adopt(actor=scope_for(world.users["dean"]), school=world.school)
    client = client_for(persona)
    client.get("/")
    before = assert_queries(client, "/", budget=BUDGET[persona])
    for w in range(1, 12):
        f.observation(world.teacher, world.mentor, wk(w), term=world.term)
        f.writing(world.teacher, "reflection", wk(w), term=world.term)
        f.writing(world.teacher, "reading_note", wk(w), term=world.term, chars=800)
        f.hours(world.teacher, wk(w), 2)
    # a leader's and a dean's cards read the school's kept counts (requirements/kept.py): the
    # records just written mark them stale, and the next read refreshes them in a fixed
    # number of queries, whatever the records
    refreshed = assert_queries(client, "/", budget=BUDGET[persona] + REFRESH_QUERIES)
    assert refreshed in (before, before + REFRESH_QUERIES)
    assert assert_queries(client, "/", budget=BUDGET[persona]) == before
    print(persona, before, refreshed)
