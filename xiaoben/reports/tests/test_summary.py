"""Every figure of the school summary equals a count computed another way (raw SQL or a
plain loop) on data built for it: a mid-term joiner, soft-deleted rows, drafts, a
cancelled activity and another school's rows that must not count."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import activity, attend, bulk_teachers, hours, mentorship, observation, writing
from xiaoben.activities.models import Activity
from xiaoben.core.testing import assert_queries
from xiaoben.reportkit import summary as sm
from xiaoben.reports.models import SummaryDraft

D = dt.date


def _sql(query: str, params: list) -> int:
    with connection.cursor() as c:
        c.execute(query, params)
        return c.fetchone()[0] or 0


@pytest.fixture
def data(world):
    w = world
    joiner = bulk_teachers(w.school, 1, prefix="J", since=D(2026, 10, 15))[0]
    from xiaoben.org.models import GroupMembership

    GroupMembership.objects.create(group=w.chinese, teacher=joiner)
    t = w.term
    a1 = activity(w.school, "lecture", D(2026, 9, 10), term=t, group=w.chinese)
    a2 = activity(w.school, "lecture", D(2026, 10, 8), term=t, group=w.math)
    activity(w.school, "reading", D(2026, 10, 20), term=t, group=w.chinese, status="recorded")
    activity(w.school, "open_lesson", D(2026, 11, 3), term=t, group=w.chinese, lesson_kind="demo", host=w.mentor)
    trip = activity(w.school, "outside", D(2026, 10, 12), term=t)
    rep = activity(w.school, "lecture", D(2026, 10, 26), term=t, group=w.chinese)
    Activity.objects.filter(pk=rep.pk).update(report_for=trip)
    activity(w.school, "lecture", D(2026, 11, 5), term=t, status="cancelled")  # must not count
    activity(w.school, "lecture", D(2026, 12, 5), term=t, status="planned")  # not yet held
    activity(w.other_school, "lecture", D(2026, 10, 8), term=w.other_term)  # another school
    activity(w.school, "lecture", D(2026, 4, 8), term=w.prev_term)  # last term
    for a in (a1, a2):
        attend(a, w.teacher)
        attend(a, w.colleague, status="absent")
    attend(a1, joiner)
    obs = [
        observation(w.teacher, w.mentor, D(2026, 9, 20), term=t, kind="mentor"),
        observation(w.teacher, w.mentor, D(2026, 10, 20), term=t, kind="mentor"),
        observation(w.mentor, w.teacher, D(2026, 10, 21), term=t, kind="mentor"),
        observation(w.leader, w.teacher, D(2026, 11, 2), term=t, kind="push"),
        observation(joiner, w.leader, D(2026, 11, 4), term=t),
        observation(w.colleague, w.dean, D(2026, 11, 4), term=t, kind="open"),
    ]
    observation(w.teacher, w.mentor, D(2026, 11, 5), term=t, status="draft")
    observation(w.dean, w.colleague, D(2026, 11, 6), term=t).soft_delete()
    observation(w.other_teacher, w.other_teacher, D(2026, 11, 6), term=w.other_term)
    observation(w.teacher, w.leader, D(2026, 4, 6), term=w.prev_term)
    obs[0].strengths = "好"
    obs[0].save()
    writing(w.teacher, "reflection", D(2026, 10, 1), term=t)
    writing(w.mentor, "insight", D(2026, 10, 2), term=t)
    writing(joiner, "reflection", D(2026, 11, 1), term=t, status="reviewed")
    writing(w.teacher, "reflection", D(2026, 11, 1), term=t, status="draft")
    writing(w.leader, "reflection", D(2026, 11, 1), term=t).soft_delete()
    writing(w.teacher, "reading_note", D(2026, 10, 3), term=t, chars=1200)
    writing(w.other_teacher, "reflection", D(2026, 10, 1), term=w.other_term)
    hours(w.teacher, D(2026, 9, 10), 2)
    hours(w.teacher, D(2026, 10, 10), "1.5", category="online")
    hours(joiner, D(2026, 10, 20), 3)
    hours(w.other_teacher, D(2026, 10, 20), 9)
    hours(w.teacher, D(2026, 5, 1), 4)  # last term
    mentorship(w.mentor, w.teacher, t.school_year)
    return {"joiner": joiner, "t": t}


def test_school_figures_equal_counts_by_another_path(world, data):
    w, t = world, data["t"]
    period = sm.term_period(t)
    sm.build(period)
    f = {k: v.value for k, v in period.figures.items()}
    took_place = ("held", "recorded", "archived")
    assert (
        f["activities.total"]
        == _sql(
            "SELECT COUNT(*) FROM activities_activity WHERE school_id=%s AND term_id=%s AND status IN (%s,%s,%s)",
            [w.school.pk, t.pk, *took_place],
        )
        == 6
    )
    assert f["activities.kind.lecture"] == 3 and f["reading.exchanges"] == 1 and f["outside.trips"] == 1 and f["outside.reports"] == 1
    assert f["open_lessons.total"] == 1 and f["open_lessons.kind.demo"] == 1
    assert f["activities.present"] == 3  # 2 for the teacher, 1 for the joiner; the colleague was absent
    assert (
        f["observations.total"]
        == _sql(
            "SELECT COUNT(*) FROM observations_observation WHERE school_id=%s AND term_id=%s AND status='submitted' AND deleted_at IS NULL",
            [w.school.pk, t.pk],
        )
        == 6
    )
    assert f["observations.kind.mentor"] == 3 and f["observations.kind.push"] == 1 and f["observations.feedback"] == 1
    assert (
        f["writings.total"]
        == _sql(
            "SELECT COUNT(*) FROM writings_writing WHERE school_id=%s AND term_id=%s AND status IN ('submitted','reviewed') AND deleted_at IS NULL AND kind<>'reading_note'",
            [w.school.pk, t.pk],
        )
        == 3
    )
    assert f["writings.kind.reflection"] == 2 and f["reading.notes"] == 1 and f["reading.chars"] == 1200
    assert (
        f["hours.total"]
        == sum(
            Decimal(str(h))
            for h, d, s in _rows("SELECT hours, date, school_id FROM hours_hourentry WHERE deleted_at IS NULL")
            if s == w.school.pk and t.start_date <= (d if isinstance(d, dt.date) else dt.date.fromisoformat(d)) <= t.end_date
        )
        == Decimal("6.5")
    )
    assert f["mentoring.pairs"] == 1 and f["mentoring.guide"] == 2 and f["mentoring.report"] == 1 and f["mentoring.total"] == 3
    teachers = sum(1 for tt in w.school.teachers.all() if tt.is_active)
    assert f["basics.teachers"] == teachers == 7  # the six personas' colleagues and the joiner


def _rows(q):
    with connection.cursor() as c:
        c.execute(q)
        return c.fetchall()


def test_every_count_figure_lists_exactly_its_rows(world, data, client_for):
    period = sm.term_period(data["t"])
    sm.build(period)
    c = client_for("dean")
    for key, fig in period.figures.items():
        if fig.rows is None:
            continue
        r = c.get(reverse("reports:summary_rows", args=[key]) + f"?term={data['t'].pk}&kind=term")
        assert r.status_code == 200, key
        if fig.is_count:
            assert r.context["page"].paginator.count == fig.value, key


def test_group_summary_counts_its_members_only(world, data):
    period = sm.term_period(data["t"], group=world.chinese)
    sm.build(period)
    f = {k: v.value for k, v in period.figures.items()}
    # 语文组 activities: a1, reading, open lesson, the report (not the math lecture, not the school trip)
    assert f["activities.total"] == 4
    # observers in 语文组 (leader, mentor, teacher, joiner; the 备课组 is under it): not the colleague
    assert f["observations.total"] == 5


def test_summary_sentence_on_mentoring_names_who_is_behind(world, data):
    from xiaoben.requirements.models import Requirement

    quota = Requirement.objects.create(
        school=world.school,
        name="听师傅的课",
        metric="mentoring.mentee_observed_mentor",
        applies_to="mentees",
        period="school_year",
        threshold=30,
    )
    period = sm.term_period(data["t"])
    text = "".join(p.text for s in sm.build(period) if s.key == "mentoring" for p in s.paragraphs)
    assert "所有师徒都完成了既定目标" not in text and "陈芳与刘思雨" in text and "差28节" in text
    Requirement.objects.filter(pk=quota.pk).update(threshold=2)
    period = sm.term_period(data["t"])
    text = "".join(p.text for s in sm.build(period) if s.key == "mentoring" for p in s.paragraphs)
    assert "所有师徒都完成了既定目标" in text


def test_page_links_numbers_saves_prose_and_regenerates(world, data, client_for):
    c = client_for("dean")
    url = reverse("reports:summary") + f"?term={data['t'].pk}&kind=term"
    r = c.get(url)
    assert r.status_code == 200
    assert reverse("reports:summary_rows", args=["observations.total"]) in r.text
    c.post(
        reverse("reports:summary_save") + f"?term={data['t'].pk}&kind=term",
        {"problems": "教研组活动不均衡。", "intro": "本学期……", "version": 0},
    )
    d = SummaryDraft.objects.get()
    assert d.prose["problems"] == "教研组活动不均衡。"
    observation(world.leader, world.mentor, D(2026, 11, 10), term=data["t"])  # new record → number changes, prose stays
    r = c.get(url)
    assert "教研组活动不均衡。" in r.text and r.context["sections"]
    fig = next(ch["fig"] for s in r.context["sections"] if s["s"].key == "observations" for p in s["paragraphs"] for ch in p if "fig" in ch)
    assert fig.value == 7
    doc = c.get(reverse("reports:summary_docx") + f"?term={data['t'].pk}&kind=term")
    assert doc.status_code == 200 and doc.content[:2] == b"PK"
    from io import BytesIO

    from docx import Document

    text = "\n".join(p.text for p in Document(BytesIO(doc.content)).paragraphs)
    assert "教研组活动不均衡。" in text and "7节" in text and "校本研修工作总结" in text


@pytest.mark.parametrize(
    "persona,status", [("dean", 200), ("principal", 200), ("teacher", 404), ("colleague", 404), ("other_teacher", 404), ("researcher", 404)]
)
def test_who_opens_the_school_summary(world, client_for, persona, status):
    assert client_for(persona).get(reverse("reports:summary") + f"?term={world.term.pk}").status_code == status


def test_leader_opens_own_group_summary_not_another(world, client_for):
    c = client_for("leader")
    assert c.get(reverse("reports:summary") + f"?term={world.term.pk}&group={world.chinese.pk}").status_code == 200
    assert c.get(reverse("reports:summary") + f"?term={world.term.pk}&group={world.math.pk}").status_code == 404
    assert client_for("other_teacher").get(reverse("reports:summary") + f"?group={world.chinese.pk}").status_code == 404
    r = c.get(reverse("reports:summary"))  # no group named: the 组长's own 教研组
    assert r.status_code == 200 and r.context["period"].group == world.chinese


def test_region_summary_spans_the_regions_schools(world, data, client_for):
    r = client_for("researcher").get(reverse("reports:summary") + "?region=1&year=2026&number=1")
    assert r.status_code == 200
    period = r.context["period"]
    assert world.school in period.schools and world.other_school not in period.schools
    assert period.figures["observations.total"].value == 6


def test_summary_query_count_is_constant(world, data, client_for):
    c = client_for("dean")
    url = reverse("reports:summary") + f"?term={data['t'].pk}&kind=term"
    n1 = assert_queries(c, url, budget=120)
    more = bulk_teachers(world.school, 20, prefix="Q")
    for i, t in enumerate(more):
        observation(t, world.teacher, D(2026, 10, 1 + i % 20), term=data["t"], kind="open" if i % 2 else "push")
        writing(t, "reflection", D(2026, 10, 2), term=data["t"])
        hours(t, D(2026, 10, 3), 2)
        a = activity(world.school, "seminar", D(2026, 10, 5), term=data["t"], group=world.math)
        attend(a, t)
    n2 = assert_queries(c, url, budget=120)
    assert n2 <= n1 + 2, (n1, n2)  # a new kind may add its one figure query, nothing per row
