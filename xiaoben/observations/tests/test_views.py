"""Every page × persona: who sees what, 404 across schools, and query counts."""

import datetime as dt

import pytest
from django.urls import reverse

from xiaoben.core.scope import scope_for
from xiaoben.observations.models import FeedbackFlag, Observation
from xiaoben.observations.rubrics import rubric_for_school

# mentor observes the new teacher; leader leads 语文组 (teacher is a member); dean is 教导主任
OBS_DETAIL = [
    ("anonymous", 302),
    ("mentor", 200),  # observer
    ("teacher", 200),  # observed
    ("leader", 200),  # leads a group of the observed teacher
    ("dean", 200),
    ("principal", 200),
    ("colleague", 404),  # same school, not involved
    ("other_teacher", 404),
    ("researcher", 404),
    ("platform_admin", 200),
]


@pytest.mark.parametrize("name", ["observations:detail", "observations:docx"])
@pytest.mark.parametrize("persona,status", OBS_DETAIL)
def test_observation_pages_by_persona(world, record, client_for, name, persona, status):
    obs = record()
    r = client_for(persona).get(reverse(name, args=[obs.pk]))
    assert r.status_code == status


def test_observed_teacher_sees_feedback_and_can_reply_not_edit(world, record, client_for):
    obs = record()
    c = client_for("teacher")
    body = c.get(reverse("observations:detail", args=[obs.pk])).content.decode()
    assert "朗读指导扎实" in body and "90.0" in body and 'id="comments"' in body
    assert reverse("observations:edit", args=[obs.pk]) not in body
    assert c.get(reverse("observations:edit", args=[obs.pk])).status_code == 404
    from django.contrib.contenttypes.models import ContentType

    ct = ContentType.objects.get_for_model(Observation)
    c.post(reverse("core:comment_add", args=[ct.pk, obs.pk]), {"body": "谢谢陈老师，我会多练习。"})
    assert "谢谢陈老师" in c.get(reverse("observations:detail", args=[obs.pk])).content.decode()
    # the observer cannot edit a submitted observation either
    assert client_for("mentor").get(reverse("observations:edit", args=[obs.pk])).status_code == 404
    # the observed teacher cannot delete it
    assert c.post(reverse("observations:delete", args=[obs.pk])).status_code == 403  # reads it, told why not
    assert Observation.objects.filter(pk=obs.pk).exists()


def test_draft_is_only_the_observers(world, record, client_for):
    obs = record(submit=False)
    assert client_for("mentor").get(reverse("observations:edit", args=[obs.pk])).status_code == 200
    for persona in ("teacher", "leader", "dean"):
        assert client_for(persona).get(reverse("observations:detail", args=[obs.pk])).status_code == 404


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("teacher", 200), ("leader", 200), ("dean", 200), ("other_teacher", 200), ("researcher", 200)],
)
def test_list_by_persona(client_for, persona, status):
    assert client_for(persona).get(reverse("observations:list")).status_code == status


def test_list_shows_only_visible(world, record, client_for):
    record(lesson_title="秋天的雨")
    record(observer=world.dean, teacher=world.colleague, lesson_title="分数的初步认识")
    assert "分数的初步认识" not in client_for("teacher").get(reverse("observations:list") + "?role=").content.decode()
    assert "秋天的雨" in client_for("teacher").get(reverse("observations:list") + "?role=received").content.decode()
    leader = client_for("leader").get(reverse("observations:list") + "?role=").content.decode()
    assert "秋天的雨" in leader and "分数的初步认识" not in leader
    dean = client_for("dean").get(reverse("observations:list") + "?role=").content.decode()
    assert "秋天的雨" in dean and "分数的初步认识" in dean
    other = client_for("other_teacher").get(reverse("observations:list") + "?role=").content.decode()
    assert "秋天的雨" not in other


def test_backfilled_shown_in_list_and_detail(world, record, client_for):
    obs = record(lesson_date=dt.date(2026, 11, 2))
    assert obs.is_backfilled
    assert "补录" in client_for("mentor").get(reverse("observations:list")).content.decode()
    assert 'data-testid="backfilled"' in client_for("teacher").get(reverse("observations:detail", args=[obs.pk])).content.decode()


def test_record_form_submit(world, client_for):
    rubric = rubric_for_school(world.school)
    c = client_for("mentor")
    assert c.get(reverse("observations:new")).status_code == 200
    data = {
        "teacher": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "period": "3",
        "subject": "语文",
        "grade": "3",
        "class_name": "三(2)班",
        "lesson_title": "富饶的西沙群岛",
        "kind": "mentor",
        "strengths": "情境创设好",
        "action": "submit",
        **{f"score_{i.pk}": str(i.max_points) for i in rubric.items.all()},
    }
    r = c.post(reverse("observations:new"), data)
    obs = Observation.objects.get()
    assert r.status_code == 302 and r.url == reverse("observations:detail", args=[obs.pk])
    assert obs.total == 100 and obs.grade_label == "优" and obs.period == 3 and obs.kind == "mentor"


def test_record_form_errors_in_chinese_nothing_saved(world, client_for):
    r = client_for("mentor").post(reverse("observations:new"), {"lesson_date": "2026-13-01", "kind": "regular", "action": "submit"})
    body = r.content.decode()
    assert r.status_code == 200 and "请选择授课教师" in body
    assert not Observation.all_objects.exists()


def test_autosave_creates_then_updates_one_draft(world, client_for):
    c = client_for("mentor")
    base = {"teacher": world.teacher.pk, "lesson_date": "2026-11-18", "kind": "regular", "lesson_title": "草"}
    r = c.post(reverse("observations:autosave"), base)
    pk = r.json()["id"]
    stale = r.json()["version"]
    r = c.post(reverse("observations:autosave"), {**base, "draft_id": pk, "version": stale, "lesson_title": "草稿二"})
    assert r.json()["id"] == pk
    assert Observation.all_objects.get().lesson_title == "草稿二"
    # the same draft open on a second device, autosaving its older copy: told, not overwritten
    r = c.post(reverse("observations:autosave"), {**base, "draft_id": pk, "version": stale, "lesson_title": "旧副本"})
    assert r.status_code == 409 and "已被他人修改" in r.json()["errors"][0]
    assert Observation.all_objects.get().lesson_title == "草稿二"
    # someone else's draft id is not taken over
    r = client_for("leader").post(reverse("observations:autosave"), {**base, "teacher": world.mentor.pk, "draft_id": pk})
    assert r.json()["id"] != pk
    assert client_for("anonymous").post(reverse("observations:autosave"), base).status_code == 302


def test_teacher_search_by_initials_same_school_only(world, client_for):
    body = client_for("mentor").get(reverse("observations:teacher_search") + "?q=lsy").content.decode()
    assert "刘思雨" in body
    body = client_for("mentor").get(reverse("observations:teacher_search") + "?q=孙").content.decode()
    assert "孙丽" not in body


def test_growth_by_persona(world, record, client_for):
    record()
    url = reverse("observations:growth", args=[world.teacher.pk])
    for persona, status in [
        ("teacher", 200),
        ("leader", 200),
        ("mentor", 200),
        ("dean", 200),
        ("colleague", 404),
        ("other_teacher", 404),
        ("researcher", 404),
        ("anonymous", 302),
    ]:
        assert client_for(persona).get(url).status_code == status, persona
    body = client_for("teacher").get(url).content.decode()
    assert "2026-2027学年第一学期" in body and 'data-testid="radar"' in body
    assert client_for("teacher").get(reverse("observations:my_growth")).status_code == 200


def test_matrix_by_persona(world, record, client_for):
    record()
    url = reverse("observations:matrix")
    assert client_for("teacher").get(url).status_code == 404
    assert client_for("colleague").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
    assert client_for("leader").get(url).status_code == 200
    assert client_for("leader").get(url + f"?group={world.math.pk}").status_code == 404
    body = client_for("dean").get(url).content.decode()
    assert world.colleague.name in body  # not observed this term
    assert client_for("other_teacher").get(url).status_code == 404
    assert client_for("dean").get(url + "?group=999999").status_code == 404


def test_flags_page_by_persona(world, record, client_for):
    from xiaoben.observations.tests.test_services import COPIED

    record(strengths=COPIED)
    record(observer=world.leader, teacher=world.mentor, strengths=COPIED)
    flag = FeedbackFlag.objects.get()
    assert "雷同" in client_for("dean").get(reverse("observations:flags")).content.decode()
    assert flag.observation.lesson_title in client_for("leader").get(reverse("observations:flags")).content.decode()
    assert client_for("teacher").get(reverse("observations:flags")).status_code == 404
    assert client_for("other_teacher").post(reverse("observations:flag_resolve", args=[flag.pk])).status_code == 404
    assert client_for("dean").post(reverse("observations:flag_resolve", args=[flag.pk])).status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_at is not None


@pytest.mark.parametrize("name", ["observations:rubrics", "observations:rubric_new"])
@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("teacher", 404), ("leader", 404), ("dean", 200), ("principal", 200), ("other_teacher", 404)]
)
def test_rubric_pages_admins_only(world, client_for, name, persona, status):
    assert client_for(persona).get(reverse(name)).status_code == status


def test_rubric_detail_other_school_404(world, client_for):
    r = rubric_for_school(world.school)
    assert client_for("dean").get(reverse("observations:rubric_detail", args=[r.pk])).status_code == 200
    assert client_for("dean").get(reverse("observations:rubric_edit", args=[r.pk])).status_code == 200
    other = rubric_for_school(world.other_school)
    assert client_for("dean").get(reverse("observations:rubric_detail", args=[other.pk])).status_code == 404
    assert client_for("dean").get(reverse("observations:rubric_edit", args=[other.pk])).status_code == 404


def test_rubric_edit_form_after_use_makes_new_version(world, record, client_for):
    obs = record()
    r = obs.rubric
    items = list(r.items.all())
    data = {"name": r.name, "grade_scale": "优:95，良:80，中:60，差:0", "items-TOTAL_FORMS": len(items), "items-INITIAL_FORMS": len(items)}
    for n, i in enumerate(items):
        data |= {
            f"items-{n}-dimension": i.dimension,
            f"items-{n}-title": i.title,
            f"items-{n}-weight": i.weight,
            f"items-{n}-max_points": i.max_points,
        }
    resp = client_for("dean").post(reverse("observations:rubric_edit", args=[r.pk]), data)
    assert resp.status_code == 302
    obs.refresh_from_db()
    assert obs.total == 90 and obs.grade_label == "优" and obs.rubric_id == r.pk
    assert rubric_for_school(world.school).version == 2


def test_activity_averages_page(world, record, client_for):
    from xiaoben.activities.models import Activity

    a = Activity.objects.create(school=world.school, term=world.term, kind="lesson_study", title="一课多研《秋天的雨》第一轮")
    record(activity=a, kind="research")
    body = client_for("leader").get(reverse("observations:activities")).content.decode()
    assert "第一轮" in body
    assert "第一轮" not in client_for("other_teacher").get(reverse("observations:activities")).content.decode()


def test_xlsx_export(world, record, client_for):
    record()
    r = client_for("dean").get(reverse("observations:list") + "?role=&format=xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    ws = load_workbook(BytesIO(r.content)).active
    assert ws.max_row == 2 and ws["C2"].value == world.teacher.name


def test_docx_has_feedback(world, record, client_for):
    from io import BytesIO

    from docx import Document

    obs = record()
    doc = Document(BytesIO(client_for("teacher").get(reverse("observations:docx", args=[obs.pk])).content))
    text = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "朗读指导扎实" in text and "刘思雨" in text and "总分\n90\n" in text and "E+" not in text


def test_series_round_averages(world, record, client_for):
    from xiaoben.activities.models import Activity, LessonStudyRound, LessonStudySeries

    series = LessonStudySeries.objects.create(
        school=world.school, term=world.term, group=world.chinese, kind="multi_round", title="《秋天的雨》一课多研"
    )
    rounds = []
    for n in (1, 2):
        a = Activity.objects.create(school=world.school, term=world.term, kind="lesson_study", title=f"第{n}轮", host=world.teacher)
        LessonStudyRound.objects.create(series=series, activity=a, number=n, teacher=world.teacher)
        rounds.append(a)
    from xiaoben.observations.rubrics import rubric_for_school

    items = list(rubric_for_school(world.school).items.all())
    record(activity=rounds[0], points={i.pk: i.max_points * 7 / 10 for i in items})
    record(activity=rounds[1], observer=world.leader, points={i.pk: i.max_points * 9 / 10 for i in items})
    from xiaoben.observations.selectors import series_round_averages

    avg = series_round_averages(user=world.users["dean"], series=series)
    assert [r["number"] for r in avg] == [1, 2]
    assert avg[0]["dims"]["教学目标"] == 70 and avg[1]["dims"]["教学目标"] == 90 and avg[1]["n"] == 1
    url = reverse("observations:series", args=[series.pk])
    body = client_for("leader").get(url).content.decode()
    assert "第2轮" in body and "90.0" in body
    assert client_for("other_teacher").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
    assert series.title in client_for("leader").get(reverse("observations:activities")).content.decode()


def test_withdraw_until_replied(world, record, client_for):
    obs = record()
    url = reverse("observations:withdraw", args=[obs.pk])
    assert client_for("teacher").post(url).status_code == 403  # the observed teacher reads it, cannot withdraw it
    obs.refresh_from_db()
    assert obs.status == "submitted"
    assert client_for("other_teacher").post(url).status_code == 404
    r = client_for("mentor").post(url)
    obs.refresh_from_db()
    assert r.url == reverse("observations:edit", args=[obs.pk]) and obs.status == "draft"
    # submitted again, then the observed teacher replies: no more withdrawing
    from xiaoben.core.services import comment_add
    from xiaoben.observations import services

    data = services.ObservationInput(
        teacher=world.teacher,
        lesson_date=obs.lesson_date,
        lesson_title="再交",
        strengths="好",
        points={s.item_id: s.points for s in obs.scores.all()},
    )
    services.observation_save(actor=scope_for(world.mentor.user), data=data, submit=True, observation=obs, expected_version=obs.version)
    comment_add(author=world.users["teacher"], target=obs, body="谢谢指导")
    client_for("mentor").post(url)
    obs.refresh_from_db()
    assert obs.status == "submitted"


@pytest.mark.parametrize(
    "name,persona,status",
    [
        ("observations:new", "anonymous", 302),
        ("observations:new", "teacher", 200),
        ("observations:new", "other_teacher", 200),
        ("observations:new", "researcher", 404),  # no teacher profile: nothing to record as
        ("observations:teacher_search", "anonymous", 302),
        ("observations:teacher_search", "researcher", 200),  # answers nothing
        ("observations:my_growth", "anonymous", 302),
        ("observations:my_growth", "teacher", 200),
        ("observations:my_growth", "researcher", 404),
        ("observations:activities", "anonymous", 302),
        ("observations:activities", "teacher", 200),
        ("observations:activities", "researcher", 404),
        ("observations:flags", "anonymous", 302),
        ("observations:flags", "colleague", 404),
        ("observations:flags", "other_teacher", 404),
    ],
)
def test_other_pages_by_persona(client_for, name, persona, status):
    assert client_for(persona).get(reverse(name)).status_code == status


@pytest.mark.parametrize("name", ["observations:delete", "observations:withdraw"])
@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("other_teacher", 404), ("colleague", 404), ("researcher", 404)])
def test_post_actions_refused(world, record, client_for, name, persona, status):
    obs = record()
    r = client_for(persona).post(reverse(name, args=[obs.pk]))
    assert r.status_code == status
    obs.refresh_from_db()
    assert obs.status == "submitted" and obs.deleted_at is None


def test_observer_deletes_softly(world, record, client_for):
    obs = record()
    assert client_for("mentor").post(reverse("observations:delete", args=[obs.pk])).status_code == 302
    assert not Observation.objects.filter(pk=obs.pk).exists() and Observation.all_objects.filter(pk=obs.pk).exists()
    assert client_for("teacher").get(reverse("observations:detail", args=[obs.pk])).status_code == 404


def test_new_form_guesses_the_period_that_just_started(world, client_for):
    # frozen at 10:00: 第3节 began at 09:50
    body = client_for("mentor").get(reverse("observations:new")).content.decode()
    assert '<option value="3" selected>第3节</option>' in body
    assert 'value="2026-11-18"' in body
