"""The 查重 source is asked about again through the door when it is shown (issue #12, 1):
a source made private, withdrawn to draft, deleted, or of another school is not shown to
the reviewer — only that there is a similar writing they may not open, and the share."""

import datetime as dt

import pytest

from xiaoben.org import services as org
from xiaoben.org.models import School
from xiaoben.writings.models import Writing

from .helpers import html, write
from .texts import REFLECTION_A, lightly_edited

LAST_TERM = dt.date(2026, 5, 12)
SECRET_TITLE = "只给本校看的反思《海底世界》"


@pytest.fixture
def neighbour_source(world):
    """A writing of another school of the district, 区域共享 when the copy was checked."""
    neighbour = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    org.term_create(school=neighbour, start_year=2025, number=2, start_date=dt.date(2026, 2, 23), end_date=dt.date(2026, 7, 3))
    t = org.teacher_create(school=neighbour, staff_no="051", name="吴敏", gender="F")
    return write(t, html(REFLECTION_A), title=SECRET_TITLE, on=LAST_TERM, submit=True, visibility="region")


def _copy(world):
    copy = write(world.teacher, html(lightly_edited(REFLECTION_A)), title="课后反思", submit=True)
    assert copy.similarity > 0.8
    return copy


def test_a_visible_source_is_shown(world, client_for, neighbour_source):
    copy = _copy(world)
    assert copy.similar_to_id == neighbour_source.pk
    page = client_for("dean").get(f"/writings/{copy.pk}/").content.decode()
    assert SECRET_TITLE in page and "吴敏" in page


@pytest.mark.parametrize(
    "change",
    [
        {"visibility": "school"},  # no longer shared with the district
        {"status": "draft"},  # withdrawn
        {"deleted_at": dt.datetime(2026, 11, 17, tzinfo=dt.UTC)},  # deleted
    ],
)
def test_a_source_out_of_reach_now_is_not_shown(world, client_for, neighbour_source, change):
    copy = _copy(world)
    Writing.all_objects.filter(pk=neighbour_source.pk).update(**change)
    r = client_for("dean").get(f"/writings/{copy.pk}/")
    page = r.content.decode()
    assert r.status_code == 200
    assert SECRET_TITLE not in page and "吴敏" not in page
    assert 'data-testid="passage-source"' not in page
    assert 'data-testid="source-hidden"' in page
    assert "您无权查看" in page


def test_a_colleagues_private_writing_is_not_shown_to_a_group_leader(world, client_for):
    """Inside a school: the 语文组长 reviews the new teacher's copy of the 数学 colleague's 仅自己 writing."""
    source = write(world.colleague, html(REFLECTION_A), title=SECRET_TITLE, on=LAST_TERM, submit=True, visibility="private")
    copy = _copy(world)
    assert copy.similar_to_id == source.pk
    page = client_for("leader").get(f"/writings/{copy.pk}/").content.decode()
    assert 'data-testid="similarity"' in page
    assert SECRET_TITLE not in page and 'data-testid="source-hidden"' in page
    # the school's admin may read it: shown
    assert SECRET_TITLE in client_for("dean").get(f"/writings/{copy.pk}/").content.decode()
