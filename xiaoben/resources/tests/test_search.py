"""Chinese full-text search on the database in use (CI runs SQLite and PostgreSQL)."""

import pytest
from django.db import connection

from xiaoben.resources import search
from xiaoben.resources.models import SearchEntry

from .helpers import approve, make_resource, scope_of


def titles(world, persona, q, **filters):
    page = search.search(scope_of(world, persona), q, search.Filters(**filters))
    return [r.entry.title for r in page.results], page


def test_backend_matches_vendor(db):
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE name = 'resources_searchentry_fts'")
            assert cur.fetchone()
        else:
            cur.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'resources_searchentry_tsv'")
            assert "gin" in cur.fetchone()[0].lower()


def test_query_is_cut_by_jieba(world):
    make_resource(world, title="《分数的初步认识》教学设计", subject="数学", grade=3, description="让学生认识几分之一。")
    make_resource(world, title="认识钟表", subject="数学", grade=1)
    got, page = titles(world, "teacher", "分数的初步认识")
    assert got == ["《分数的初步认识》教学设计"]
    assert "分数" in page.query.terms and "的" not in page.query.terms
    assert len(page.query.terms) >= 2  # the phrase was split into words


def test_word_in_tag_and_word_in_body_match_one_record(world):
    """人教版 lives in the tags (edition), 几分之一 in the body: both words must match one record."""
    make_resource(world, title="三年级练习", subject="数学", edition="pep", description="课堂练习：几分之一的比较。")
    make_resource(world, title="另一份练习", subject="数学", edition="bnu", description="课堂练习：几分之一的比较。")
    make_resource(world, title="第三份", subject="数学", edition="pep", description="乘法口诀")
    got, _ = titles(world, "teacher", "人教版 几分之一")
    assert got == ["三年级练习"]


def test_long_word_matches_its_parts(world):
    make_resource(world, title="单元作业", description="本课帮助学生初步认识分数")
    got, _ = titles(world, "teacher", "初步认识")
    assert got == ["单元作业"]


def test_highlight_marks_the_words_and_escapes(world):
    make_resource(world, title="<b>分数</b>练习", description="比较分数大小")
    _, page = titles(world, "teacher", "分数")
    html = str(page.results[0].title_html)
    assert "<mark>分数</mark>" in html and "&lt;b&gt;" in html
    assert "<mark>分数</mark>" in str(page.results[0].snippet_html)


def test_filters(world):
    make_resource(world, title="分数练习甲", kind="exercise", subject="数学", grade=3, edition="pep")
    make_resource(world, title="分数练习乙", kind="lesson_plan", subject="数学", grade=4, edition="bnu")
    assert titles(world, "teacher", "分数练习", kind="exercise")[0] == ["分数练习甲"]
    assert titles(world, "teacher", "分数练习", grade=4)[0] == ["分数练习乙"]
    assert titles(world, "teacher", "分数练习", edition="bnu")[0] == ["分数练习乙"]
    assert titles(world, "teacher", "分数练习", school_id=world.other_school.pk)[0] == []


def test_private_resource_of_school_a_never_reaches_school_b(world):
    make_resource(world, title="绝密分数教案", visibility="private")
    make_resource(world, title="本校分数教案", visibility="school")
    for persona in ("other_teacher", "other_researcher"):
        got, page = titles(world, persona, "分数教案")
        assert got == [] and page.total == 0 and page.facets["category"] == []
        assert search.suggest(scope_of(world, persona), "分数教案") == []
    got, _ = titles(world, "colleague", "分数教案")
    assert got == ["本校分数教案"]  # a colleague: the school's, not the private one
    got, _ = titles(world, "teacher", "分数教案")
    assert sorted(got) == ["本校分数教案", "绝密分数教案"]


def test_region_shared_after_approval_reaches_the_district(world):
    r = make_resource(world, title="区域分数试题", kind="exercise", visibility="region")
    assert titles(world, "researcher", "分数试题")[0] == []  # pending: read as 本校
    approve(world, r)
    assert titles(world, "researcher", "分数试题")[0] == ["区域分数试题"]
    assert titles(world, "other_researcher", "分数试题")[0] == []  # another district


def test_search_covers_writings_activities_and_feedback_through_their_rules(world):
    from xiaoben.activities.models import Activity
    from xiaoben.observations.models import Observation
    from xiaoben.writings.models import Writing

    w = Writing.objects.create(
        school=world.school,
        term=world.term,
        author=world.teacher,
        kind="reflection",
        title="分数教学反思",
        body="学生对分数单位理解不够",
        written_on=world.today,
        status="submitted",
        visibility="school",
    )
    a = Activity.objects.create(school=world.school, term=world.term, kind="seminar", title="分数单元研讨", status="held")
    o = Observation.objects.create(
        school=world.school,
        term=world.term,
        observer=world.leader,
        teacher=world.teacher,
        lesson_date=world.today,
        lesson_title="分数的初步认识",
        strengths="分数概念讲得清楚",
        status="submitted",
    )
    search.reindex(["writing", "activity", "observation"])
    got, page = titles(world, "teacher", "分数")
    assert {"分数教学反思", "分数单元研讨", f"分数的初步认识（{world.teacher.name}）"} <= set(got)
    assert {c for c, _, _ in page.facets["category"]} >= {"writing", "activity", "observation"}
    # The colleague (数学, not in 语文组) may not read the observation of 刘思雨.
    got, _ = titles(world, "colleague", "分数")
    assert f"分数的初步认识（{world.teacher.name}）" not in got
    assert "分数单元研讨" in got
    assert titles(world, "other_teacher", "分数")[0] == []
    assert SearchEntry.objects.filter(object_id__in=[w.pk, a.pk, o.pk]).count() == 3


def test_pinyin_initials_find_a_colleague_and_their_resources(world):
    make_resource(world, "leader", title="古诗教学设计")
    _, page = titles(world, "teacher", world.leader.name_initials)
    assert [p.pk for p in page.people] == [world.leader.pk]
    assert "古诗教学设计" in [r.entry.title for r in page.results]
    # Another school's teacher is not found by initials.
    _, page = titles(world, "other_teacher", world.leader.name_initials)
    assert page.people == [] and page.results == []


def test_anonymous_sees_public_only(world):
    r = make_resource(world, title="公开分数课", visibility="public")
    make_resource(world, title="本校分数课")
    from xiaoben.core.scope import ANONYMOUS

    assert [x.entry.title for x in search.search(ANONYMOUS, "分数课").results] == []
    approve(world, r)
    assert [x.entry.title for x in search.search(ANONYMOUS, "分数课").results] == ["公开分数课"]


def test_search_query_count_is_fixed(world, django_assert_max_num_queries):
    for i in range(3):
        make_resource(world, title=f"分数练习{i}")
    scope = scope_of(world, "teacher")
    search.search(scope, "分数练习")  # warm the content-type cache
    with django_assert_max_num_queries(4):
        search.search(scope, "分数练习")
    for i in range(30):
        make_resource(world, title=f"分数练习B{i}")
    with django_assert_max_num_queries(4):
        page = search.search(scope, "分数练习")
    assert page.total == 33


@pytest.mark.parametrize("bad", ["'", '"', "\\", "分数' OR 1=1 --", "AND OR NOT", "***"])
def test_odd_queries_do_not_break(world, bad):
    make_resource(world, title="分数")
    search.search(scope_of(world, "teacher"), bad)
