"""Every mentoring URL × personas, the privacy of the pair's texts, and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.mentoring import services
from xiaoben.mentoring.models import Mentorship, MentorshipNote
from xiaoben.org import services as org
from xiaoben.requirements.kept import REFRESH_QUERIES

from .factories import observe, pair_for

SECRET = "课堂提问太多，下次只问三个关键问题"
REPORT_TEXT = "本月指导徒弟备《秋天的雨》"


@pytest.fixture
def pair(world):
    p = pair_for(world)
    services.note_add(pair=p, actor=scope_for(world.users["mentor"]), text=SECRET)
    services.report_file(
        pair=p, month=dt.date(2026, 10, 1), work_done=REPORT_TEXT, actor=scope_for(world.users["teacher"]), today=world.today
    )
    return p


PAGE_STATUS = {
    # persona: (overview, detail, report, agreement, records-of-pair)
    "anonymous": (302, 302, 302, 302, 302),
    "teacher": (200, 200, 200, 200, 200),
    "mentor": (200, 200, 200, 200, 200),
    "leader": (200, 200, 404, 404, 200),
    "colleague": (200, 200, 404, 404, 200),
    "dean": (200, 200, 200, 200, 200),
    "principal": (200, 200, 200, 200, 200),
    "other_teacher": (200, 404, 404, 404, 404),
    "researcher": (404, 404, 404, 404, 404),
    "other_researcher": (404, 404, 404, 404, 404),
    "platform_admin": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("persona", list(PAGE_STATUS))
def test_pages_by_persona(world, client_for, pair, persona):
    c = client_for(persona)
    urls = [
        reverse("mentoring:list"),
        reverse("mentoring:detail", args=[pair.pk]),
        reverse("mentoring:report", args=[pair.pk, "2026-10"]),
        reverse("mentoring:agreement", args=[pair.pk]),
        reverse("mentoring:records") + f"?pair={pair.pk}&year={pair.school_year_id}",
    ]
    got = tuple(c.get(u).status_code for u in urls)
    assert got == PAGE_STATUS[persona]


ADMIN_PAGES = ["mentoring:pair_bulk", "mentoring:quotas", "mentoring:agreements"]


@pytest.mark.parametrize("name", ADMIN_PAGES)
@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 404),
        ("mentor", 404),
        ("leader", 404),
        ("colleague", 404),
        ("dean", 200),
        ("principal", 200),
        ("other_teacher", 404),
        ("researcher", 404),
        ("platform_admin", 200),
    ],
)
def test_admin_pages_by_persona(world, client_for, pair, name, persona, status):
    assert client_for(persona).get(reverse(name)).status_code == status


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("mentor", 404), ("teacher", 404), ("dean", 200), ("other_teacher", 404), ("researcher", 404)]
)
def test_edit_page_by_persona(world, client_for, pair, persona, status):
    assert client_for(persona).get(reverse("mentoring:edit", args=[pair.pk])).status_code == status


@pytest.mark.parametrize(
    "persona,role,status",
    [
        ("mentor", "mentor_on_mentee", 200),
        ("teacher", "mentor_on_mentee", 404),
        ("dean", "mentor_on_mentee", 404),
        ("teacher", "mentee_on_pair", 200),
        ("mentor", "mentee_on_pair", 404),
        ("dean", "school_on_mentee", 200),
        ("principal", "school_on_mentor", 200),
        ("mentor", "school_on_mentor", 404),
        ("colleague", "school_on_mentee", 404),
        ("other_teacher", "school_on_mentee", 404),
        ("dean", "nonsense", 404),
        ("anonymous", "school_on_mentee", 302),
    ],
)
def test_evaluate_by_persona(world, client_for, pair, persona, role, status):
    assert client_for(persona).get(reverse("mentoring:evaluate", args=[pair.pk, role])).status_code == status


# the dean (the lead) reads the pair's notes: refused with the reason (403); others: as if none (404)
@pytest.mark.parametrize("persona,status", [("teacher", 302), ("mentor", 302), ("dean", 403), ("colleague", 404), ("other_teacher", 404)])
def test_note_add_by_persona(world, client_for, pair, persona, status):
    r = client_for(persona).post(reverse("mentoring:note_add", args=[pair.pk]), {"text": "今天一起磨课"})
    assert r.status_code == status
    assert MentorshipNote.objects.filter(text="今天一起磨课").exists() is (status == 302)


@pytest.mark.parametrize("persona,status", [("dean", 302), ("mentor", 404), ("teacher", 404), ("other_teacher", 404), ("anonymous", 302)])
def test_pair_quotas_post_by_persona(world, client_for, pair, persona, status):
    from xiaoben.mentoring.selectors import progress_for
    from xiaoben.requirements.models import Requirement

    quotas = {r.name: r for r in Requirement.objects.filter(school=pair.school, metric__startswith="mentoring.")}
    q = quotas["徒弟听师傅的课"]
    r = client_for(persona).post(
        reverse("mentoring:pair_quotas", args=[pair.pk]),
        {f"target_{q.pk}": 25, **{f"target_{x.pk}": int(x.threshold) for x in quotas.values() if x.pk != q.pk}},
    )
    assert r.status_code == status
    # the pair's own number is the requirement's override for the 徒弟; the school's stays 30
    q.refresh_from_db()
    assert q.threshold == 30
    assert (q.overrides == {f"{pair.school_year_id}:{pair.mentee_id}": 25}) is (persona == "dean")
    (pp,), _, _ = progress_for([pair], school_id=pair.school_id, school_year=pair.school_year)
    assert ({qp.quota.label: qp.target for qp in pp.quotas}["徒弟听师傅的课"] == 25) is (persona == "dean")


@pytest.mark.parametrize(
    "persona,sees",
    [
        ("teacher", True),
        ("mentor", True),
        ("dean", True),
        ("principal", True),
        ("platform_admin", True),
        ("leader", False),
        ("colleague", False),
    ],
)
def test_notes_and_report_texts_are_private(world, client_for, pair, persona, sees):
    body = client_for(persona).get(reverse("mentoring:detail", args=[pair.pk])).content.decode()
    assert (SECRET in body) is sees
    assert "徒弟听师傅的课" in body  # counts are school-visible
    report = client_for(persona).get(reverse("mentoring:report", args=[pair.pk, "2026-10"]))
    assert (REPORT_TEXT in report.content.decode()) is sees


def test_designated_lead_reads_private_texts(world, client_for, pair):
    world.school.settings = {"mentorship_lead_ids": [world.colleague.pk]}
    world.school.save()
    body = client_for("colleague").get(reverse("mentoring:detail", args=[pair.pk])).content.decode()
    assert SECRET in body
    assert client_for("colleague").get(reverse("mentoring:evaluate", args=[pair.pk, "school_on_mentee"])).status_code == 200


def test_report_opens_with_the_months_counts(world, client_for, pair):
    observe(world, world.mentor, world.teacher, dt.date(2026, 11, 3))
    observe(world, world.teacher, world.mentor, dt.date(2026, 11, 4))
    observe(world, world.teacher, world.mentor, dt.date(2026, 11, 5))
    r = client_for("mentor").get(reverse("mentoring:report", args=[pair.pk, "2026-11"]))
    body = r.content.decode()
    assert 'data-testid="count-mentee-observed">2<' in body
    assert 'data-testid="count-mentor-observed">1<' in body
    r = client_for("mentor").post(reverse("mentoring:report", args=[pair.pk, "2026-11"]), {"work_done": "听了两节汇报课", "next_plan": ""})
    assert r.status_code == 302
    assert pair.reports.get(month=dt.date(2026, 11, 1)).mentee_observed == 2


def test_lead_cannot_file_for_the_pair(world, client_for, pair):
    r = client_for("dean").post(reverse("mentoring:report", args=[pair.pk, "2026-11"]), {"work_done": "代填"})
    assert r.status_code == 403  # the lead reads the pair's reports, so is told why


def test_admin_pairs_new_teachers_in_one_screen(world, client_for):
    second = org.teacher_create(
        actor=SYSTEM, school=world.school, staff_no="034", name="吴晨曦", gender="F", teaching_since=dt.date(2025, 9, 1), subject="数学"
    )
    observe(world, world.teacher, world.leader, dt.date(2026, 10, 9))
    observe(world, world.teacher, world.leader, dt.date(2026, 10, 10))
    c = client_for("dean")
    body = c.get(reverse("mentoring:pair_bulk")).content.decode()
    assert world.teacher.name in body and second.name in body
    # the suggested mentor of the new 语文 teacher is the one she already observed most
    assert f'value="{world.leader.pk}" selected' in body
    data = {
        "start_date": "2026-09-15",
        "goals": "站稳讲台",
        f"pick_{world.teacher.pk}": "1",
        f"mentor_{world.teacher.pk}": world.leader.pk,
        f"pick_{second.pk}": "1",
        f"mentor_{second.pk}": world.colleague.pk,
    }
    r = c.post(reverse("mentoring:pair_bulk"), data)
    assert r.status_code == 302
    pairs = {(p.mentor_id, p.mentee_id) for p in Mentorship.objects.all()}
    assert pairs == {(world.leader.pk, world.teacher.pk), (world.colleague.pk, second.pk)}
    # the agreements print as one Word file
    r = c.get(reverse("mentoring:agreements"))
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    import io

    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "师徒结对协议书" in text and "徒弟听师傅的课不少于30节" in text and world.teacher.name in text


def test_bulk_bad_input_saves_nothing(world, client_for):
    r = client_for("dean").post(
        reverse("mentoring:pair_bulk"),
        {"start_date": "明天", f"pick_{world.teacher.pk}": "1", f"mentor_{world.teacher.pk}": world.other_teacher.pk},
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "结对日期格式不正确" in body and "请为" in body
    assert not Mentorship.objects.exists()


def test_quota_rules_page_saves_and_applies(world, client_for, pair):
    c = client_for("dean")
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "20",
        "form-0-label": "徒弟听师傅的课",
        "form-0-direction": "mentee_observes",
        "form-0-kind": "",
        "form-0-target": "30",
        "form-1-label": "师傅听徒弟的课",
        "form-1-direction": "mentor_observes",
        "form-1-kind": "",
        "form-1-target": "20",
        "form-2-label": "汇报课",
        "form-2-direction": "mentor_observes",
        "form-2-kind": "report",
        "form-2-target": "2",
    }
    assert c.post(reverse("mentoring:quotas"), data).status_code == 302
    from xiaoben.mentoring.selectors import progress_for
    from xiaoben.requirements.models import Requirement

    (pp,), _, _ = progress_for([pair], school_id=pair.school_id, school_year=pair.school_year)
    assert {qp.quota.label for qp in pp.quotas} == {"徒弟听师傅的课", "师傅听徒弟的课", "汇报课"}
    # they are the school's requirements (the 量化要求 page shows the same rows)
    got = set(
        Requirement.objects.filter(school=world.school, active=True, metric__startswith="mentoring.").values_list("name", "threshold")
    )
    assert got == {("徒弟听师傅的课", 30), ("师傅听徒弟的课", 20), ("汇报课", 2)}


def test_overview_summary_and_links(world, client_for, pair):
    observe(world, world.teacher, world.mentor, dt.date(2026, 10, 12))
    observe(world, world.mentor, world.teacher, dt.date(2026, 10, 13), kind="report")
    body = client_for("dean").get(reverse("mentoring:list")).content.decode()
    assert "新老教师相互听课" in body
    assert "direction=mentee_observes" in body
    r = client_for("dean").get(reverse("mentoring:records") + f"?year={pair.school_year_id}&direction=mentor_observes")
    assert r.status_code == 200 and r.context["page"].paginator.count == 1


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_overview_query_count_is_constant(world, client_for, pair):
    c = client_for("dean")
    url = reverse("mentoring:list")
    c.get(url)
    before = _count(c, url)
    for i in range(6):
        mentor = org.teacher_create(
            actor=SYSTEM,
            school=world.school,
            staff_no=f"7{i:02d}",
            name=f"师傅{i}",
            gender="F",
            teaching_since=dt.date(2005, 9, 1),
            subject="语文",
        )
        mentee = org.teacher_create(
            actor=SYSTEM,
            school=world.school,
            staff_no=f"8{i:02d}",
            name=f"徒弟{i}",
            gender="F",
            teaching_since=dt.date(2025, 9, 1),
            subject="语文",
        )
        p = pair_for(world, mentor=mentor, mentee=mentee)
        services.report_file(actor=scope_for(mentee.user), pair=p, month=dt.date(2026, 9, 1), work_done="备课", today=world.today)
        for d in range(3):
            observe(world, mentee, mentor, dt.date(2026, 9, 10 + d))
            observe(world, mentor, mentee, dt.date(2026, 10, 10 + d), kind="report")
    # the first read after writes refreshes the school's kept counts (a fixed number of queries)
    assert _count(c, url) <= before + REFRESH_QUERIES
    assert _count(c, url) == before


def test_home_card_for_mentor_and_mentee(world, client_for, pair):
    observe(world, world.mentor, world.teacher, dt.date(2026, 10, 13))
    for persona in ("mentor", "teacher"):
        body = client_for(persona).get("/").content.decode()
        assert 'data-testid="home-mentoring"' in body
    assert 'data-testid="home-mentoring"' not in client_for("colleague").get("/").content.decode()


def test_home_card_query_count_is_constant(world, client_for, pair):
    c = client_for("mentor")
    c.get("/")
    before = _count(c, "/")
    for i in range(3):
        mentee = org.teacher_create(
            actor=SYSTEM,
            school=world.school,
            staff_no=f"8{i:02d}",
            name=f"徒弟{i}",
            gender="F",
            teaching_since=dt.date(2025, 9, 1),
            subject="语文",
        )
        pair_for(world, mentee=mentee)
        observe(world, world.mentor, mentee, dt.date(2026, 10, 10))
    assert _count(c, "/") <= before + REFRESH_QUERIES
    assert _count(c, "/") == before


def test_mentor_records_an_observation_and_the_pair_moves_by_one(world, client_for, pair):
    """Done means: the mentor observes the mentee; the pair page counts one more."""
    import re

    def count():
        body = client_for("mentor").get(reverse("mentoring:detail", args=[pair.pk])).content.decode()
        return [int(x) for x in re.findall(r'data-testid="quota-count"[^>]*>(\d+)<', body)]

    before = count()
    observe(world, world.mentor, world.teacher, world.today)
    after = count()
    assert after == [before[0], before[1] + 1]


# a teacher sees the school's pairs but may not remind them: 403 with the reason
@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("dean", 302), ("mentor", 403), ("colleague", 403), ("other_teacher", 403)])
def test_remind_overdue_pairs(world, client_for, pair, persona, status):
    from xiaoben.core.models import Notification

    # pair filed October only; September is overdue
    r = client_for(persona).post(reverse("mentoring:remind"))
    assert r.status_code == status
    sent = Notification.objects.filter(kind="mentoring.report_overdue")
    assert sent.count() == (2 if persona == "dean" else 0)
    if persona == "dean":
        assert "9月" in sent.first().text


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("dean", 200),
        ("principal", 200),
        ("mentor", 404),
        ("teacher", 404),
        ("colleague", 404),
        ("other_teacher", 404),
        ("researcher", 404),
    ],
)
def test_ratings_page_by_persona(world, client_for, pair, persona, status):
    assert client_for(persona).get(reverse("mentoring:ratings")).status_code == status


def test_school_rates_every_pair_in_one_screen(world, client_for, pair):
    from xiaoben.mentoring.selectors import mentorship_results

    r = client_for("dean").post(
        reverse("mentoring:ratings"), {f"mentor_{pair.pk}": "excellent", f"mentee_{pair.pk}": "pass", f"comment_{pair.pk}": ""}
    )
    assert r.status_code == 302
    res = mentorship_results(school_id=world.school.pk, school_year_id=pair.school_year_id)
    assert res[world.mentor.pk]["as_mentor"] == "excellent" and res[world.teacher.pk]["as_mentee"] == "pass"
    assert client_for("colleague").post(reverse("mentoring:ratings"), {f"mentor_{pair.pk}": "fail"}).status_code == 404


def test_home_card_for_the_lead_lists_late_pairs(world, client_for, pair):
    body = client_for("dean").get("/").content.decode()
    assert 'data-testid="home-mentoring-lead"' in body and "1对月报表逾期未交" in body
    assert 'data-testid="home-mentoring-lead"' not in client_for("colleague").get("/").content.decode()
