"""晒课: nomination, scoring rules (own school excluded, anonymity), averages, ties, levels."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import SYSTEM
from xiaoben.org import services as org
from xiaoben.resources import services_showcase as sc
from xiaoben.resources.models import ShowcaseEntry

from .helpers import docx_upload, make_resource, pptx_upload, scope_of, video_upload


def lesson(world, persona="teacher", title="分数的初步认识"):
    files = [(docx_upload(), "design"), (pptx_upload(), "slides"), (video_upload(), "video")]
    return make_resource(world, persona, title=title, kind="video", subject="语文", files=files)


@pytest.fixture
def rnd(world):
    # A second school in the district, so experts of both schools exist.
    from xiaoben.org.models import School

    third = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SSX", stage="primary", region=world.district)
    expert_t = org.teacher_create(
        actor=SYSTEM, school=third, staff_no="900", name="吴专家", password="x", subject="语文", grades=[3], gender="M"
    )
    world.third, world.third_expert = third, expert_t
    return sc.round_create(
        actor=scope_of(world, "researcher"),
        title="2026年南湖区小学语文晒课",
        subject="语文",
        grades=[3, 4],
        opens_on=dt.date(2026, 11, 1),
        closes_on=dt.date(2026, 11, 30),
        experts=[world.users["researcher"], world.leader.user, expert_t.user],
        levels=[{"name": "区优", "min": 85}, {"name": "区良", "min": 70}],
    )


def test_only_region_staff_open_rounds(world):
    with pytest.raises(NotPermitted):
        sc.round_create(
            actor=scope_of(world, "principal"), title="x", subject="语文", grades=[3], opens_on=world.today, closes_on=world.today
        )


def test_nomination_needs_design_slides_video_and_talk(world, rnd):
    bare = make_resource(world, title="只有教案", subject="语文", files=[(docx_upload(), "design")])
    with pytest.raises(ValidationError, match="课件、课堂实录视频"):
        sc.showcase_nominate(actor=scope_of(world, "principal"), round=rnd, resource=bare, teacher=world.teacher, talk="说课")
    full = lesson(world)
    with pytest.raises(ValidationError, match="说课"):
        sc.showcase_nominate(actor=scope_of(world, "principal"), round=rnd, resource=full, teacher=world.teacher, talk=" ")
    with pytest.raises(NotPermitted):
        sc.showcase_nominate(actor=scope_of(world, "teacher"), round=rnd, resource=full, teacher=world.teacher, talk="说课")
    e = sc.showcase_nominate(actor=scope_of(world, "principal"), round=rnd, resource=full, teacher=world.teacher, talk="本课说课")
    full.refresh_from_db()
    assert e.school_id == world.school.pk and full.visibility == "region" and full.share_state == "approved"


def test_school_outside_the_district_cannot_nominate(world, rnd):
    org.role_assign(actor=SYSTEM, user=world.other_teacher.user, role="principal", school=world.other_school, title="校长")
    r = lesson(world, "other_teacher", title="二中的课")
    with pytest.raises(ValidationError, match="不在本轮晒课的区域"):
        sc.showcase_nominate(actor=scope_of(world, "other_teacher"), round=rnd, resource=r, teacher=world.other_teacher, talk="说课")


def _entries(world, rnd, n):
    out = []
    for i in range(n):
        r = lesson(world, title=f"课例{i}")
        out.append(sc.showcase_nominate(actor=scope_of(world, "principal"), round=rnd, resource=r, teacher=world.teacher, talk="说课"))
    return out


def test_nobody_scores_their_own_school(world, rnd):
    (e,) = _entries(world, rnd, 1)
    sc.round_start_scoring(actor=scope_of(world, "researcher"), round=rnd)
    with pytest.raises(NotPermitted, match="回避"):
        sc.showcase_score(actor=scope_of(world, "leader"), entry=e, items=[30, 40, 20, 10])
    with pytest.raises(NotPermitted):
        sc.showcase_score(actor=scope_of(world, "colleague"), entry=e, items=[30, 40, 20, 10])  # not an expert
    expert = get_user_model().objects.get(pk=world.third_expert.user_id)
    from xiaoben.core.scope import scope_for

    s = sc.showcase_score(actor=scope_for(expert), entry=e, items=[25, 35, 18, 9])
    assert s.total == Decimal("87.0")
    with pytest.raises(ValidationError, match="0 到 30"):
        sc.showcase_score(actor=scope_for(expert), entry=e, items=[31, 35, 18, 9])


def test_scoring_only_while_scoring(world, rnd):
    (e,) = _entries(world, rnd, 1)
    with pytest.raises(ValidationError, match="评审阶段"):
        sc.showcase_score(actor=scope_of(world, "researcher"), entry=e, items=[30, 40, 20, 10])


def test_averages_ties_and_levels(world, rnd):
    from xiaoben.core.scope import scope_for

    a, b, c = _entries(world, rnd, 3)
    sc.round_start_scoring(actor=scope_of(world, "researcher"), round=rnd)
    expert = scope_for(get_user_model().objects.get(pk=world.third_expert.user_id))
    jyy = scope_of(world, "researcher")
    sc.showcase_score(actor=jyy, entry=a, items=[28, 36, 18, 9])  # 91
    sc.showcase_score(actor=expert, entry=a, items=[25, 30, 17, 8])  # 80 → average 85.5
    sc.showcase_score(actor=jyy, entry=b, items=[27, 35, 16, 8])  # 86
    sc.showcase_score(actor=expert, entry=b, items=[26, 32, 18, 9])  # 85 → average 85.5 (tie with a)
    sc.showcase_score(actor=jyy, entry=c, items=[20, 30, 12, 6])  # 68 → only one expert
    sc.round_publish(actor=jyy, round=rnd)
    got = {e.pk: (e.average, e.rank, e.level) for e in ShowcaseEntry.objects.filter(round=rnd)}
    assert got[a.pk] == (Decimal("85.50"), 1, "区优")
    assert got[b.pk] == (Decimal("85.50"), 1, "区优")
    assert got[c.pk] == (Decimal("68.00"), 3, "")  # below every level
    # the published levels are the teachers' verified achievements (once, however often published)
    from xiaoben.research.models import Achievement

    awards = Achievement.objects.filter(credits__teacher=world.teacher, kind="lesson_award", status="verified")
    assert awards.count() == 2 and {a.level for a in awards} == {"county"} and {a.rank for a in awards} == {"first"}
    from xiaoben.research.services_achievements import achievement_record_verified

    achievement_record_verified(teacher=world.teacher, title="x", level="区优", source=a, awarded_on=world.today, verified_by=None)
    assert awards.count() == 2


def test_experts_are_anonymous_to_each_other(world, rnd, client_for):
    from xiaoben.core.scope import scope_for
    from xiaoben.core.tenancy import visible_to
    from xiaoben.resources.models import ShowcaseScore

    (e,) = _entries(world, rnd, 1)
    sc.round_start_scoring(actor=scope_of(world, "researcher"), round=rnd)
    expert_user = get_user_model().objects.get(pk=world.third_expert.user_id)
    sc.showcase_score(actor=scope_of(world, "researcher"), entry=e, items=[30, 40, 20, 10])
    assert visible_to(scope_for(expert_user), ShowcaseScore).count() == 0
    sc.showcase_score(actor=scope_for(expert_user), entry=e, items=[20, 30, 10, 5])
    assert visible_to(scope_for(expert_user), ShowcaseScore).count() == 1


def test_round_pages(world, rnd, client_for):
    (e,) = _entries(world, rnd, 1)
    assert client_for("researcher").get(f"/resources/showcase/{rnd.pk}/").status_code == 200
    assert client_for("principal").get(f"/resources/showcase/{rnd.pk}/").status_code == 200
    assert client_for("other_teacher").get(f"/resources/showcase/{rnd.pk}/").status_code == 404
    assert client_for("other_researcher").get(f"/resources/showcase/{rnd.pk}/").status_code == 404
    sc.round_start_scoring(actor=scope_of(world, "researcher"), round=rnd)
    c = client_for("researcher")
    assert c.get(f"/resources/showcase/entries/{e.pk}/score/").status_code == 200
    resp = c.post(f"/resources/showcase/entries/{e.pk}/score/", {"item0": 30, "item1": 40, "item2": 20, "item3": 10, "comment": "好"})
    assert resp.status_code == 302
    assert client_for("leader").post(f"/resources/showcase/entries/{e.pk}/score/", {"item0": 1}).status_code == 403
