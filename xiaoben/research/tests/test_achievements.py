"""成果与荣誉: only verified achievements count (metrics, 考核, summary); joint work counts once
for the school and is credited to each teacher; reward arithmetic; honours reach the profile."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.org.models import TeacherHonour
from xiaoben.research.models import Achievement, AchievementCredit, AchievementStatus, RewardRule
from xiaoben.research.selectors import AchievementFilter, achievement_stats, research_summary
from xiaoben.research.services_achievements import (
    achievement_resubmit,
    achievement_return,
    achievement_submit,
    achievement_verify,
    credit_points,
    reward_rules_defaults,
    reward_rules_replace,
    rule_points,
)

from .factories import achievement, png, scope

pytestmark = pytest.mark.django_db


def test_rule_arithmetic_most_specific_rule_wins(world):
    rules = [
        RewardRule(level="national", rank="first", points=Decimal("10")),
        RewardRule(level="national", rank="", points=Decimal("6")),
        RewardRule(level="national", kind="paper_published", rank="", points=Decimal("8")),
        RewardRule(level="national", kind="paper_published", rank="none", points=Decimal("9")),
        RewardRule(level="province", rank="", points=Decimal("6")),
    ]
    assert rule_points(rules, kind="lesson_award", level="national", rank="first") == 10
    assert rule_points(rules, kind="lesson_award", level="national", rank="third") == 6
    assert rule_points(rules, kind="paper_published", level="national", rank="first") == 8  # kind beats rank
    assert rule_points(rules, kind="paper_published", level="national", rank="none") == 9  # kind+rank beats kind
    assert rule_points(rules, kind="contest", level="city", rank="first") == 0  # no rule: nothing
    assert credit_points(Decimal("10"), Decimal("0.5")) == Decimal("5.00")
    assert credit_points(Decimal("4"), Decimal("0.33")) == Decimal("1.32")


def test_verify_gives_points_by_share_and_joint_counts_once(world):
    reward_rules_defaults(school=world.school)  # 市级一等奖 4分
    a = achievement(world, teachers=[world.teacher, world.mentor], level="city", rank="first")
    credits = {c.teacher_id: c for c in a.credits.all()}
    assert credits[world.teacher.pk].points == Decimal("2.00")
    assert credits[world.mentor.pk].points == Decimal("2.00")
    stats = achievement_stats(world.school.pk, AchievementFilter())
    assert stats["total"] == 1  # counted once for the school
    assert stats["person_times"] == 2  # credited to each teacher
    assert stats["points"] == Decimal("4.00")


def test_rule_change_recomputes_verified_points(world):
    reward_rules_defaults(school=world.school)
    a = achievement(world, level="city", rank="first")
    reward_rules_replace(actor=scope(world, "dean"), school=world.school, rows=[{"level": "city", "rank": "", "kind": "", "points": "7"}])
    assert a.credits.get().points == Decimal("7.00")
    with pytest.raises(NotPermitted):
        reward_rules_replace(actor=scope(world, "teacher"), school=world.school, rows=[])
    with pytest.raises(ValidationError):
        reward_rules_replace(
            actor=scope(world, "dean"),
            school=world.school,
            rows=[{"level": "city", "rank": "", "kind": "", "points": "1"}, {"level": "city", "rank": "", "kind": "", "points": "2"}],
        )
    assert RewardRule.objects.filter(school=world.school).count() == 1  # the refused save changed nothing


def test_pending_and_returned_do_not_count_anywhere(world):
    reward_rules_defaults(school=world.school)
    pending = achievement(world, verify=False, title="待审核的论文")
    returned = achievement(world, verify=False, title="被退回的论文")
    achievement_return(actor=scope(world, "dean"), achievement=returned, reason="证书照片看不清")
    from xiaoben.requirements.registry import get_metric

    m = get_metric("research.achievements")
    start, end = dt.date(2026, 9, 1), dt.date(2027, 1, 22)
    assert m.totals(school_id=world.school.pk, start=start, end=end) == {}
    assert achievement_stats(world.school.pk, AchievementFilter())["total"] == 0
    figs = {f.key: f for f in research_summary(world.school, start, end)}
    assert figs["achievements_paper_award"].value == 0
    assert AchievementCredit.objects.filter(achievement=pending).get().points == 0
    achievement_verify(actor=scope(world, "dean"), achievement=pending)
    assert m.totals(school_id=world.school.pk, start=start, end=end) == {world.teacher.pk: Decimal(1)}
    figs = {f.key: f for f in research_summary(world.school, start, end)}
    assert figs["achievements_paper_award"].value == 1
    assert "论文获奖1篇" in figs["achievements_paper_award"].text and "市级1篇" in figs["achievements_paper_award"].text


def test_requirement_one_paper_a_year(world):
    """每学年至少一篇论文获奖或发表: a requirement on the metric, computed by the engine."""
    from xiaoben.requirements.engine import progress_for_teacher
    from xiaoben.requirements.services import requirement_create

    r = requirement_create(
        actor=scope_for(world.users["dean"]),
        school=world.school,
        name="每学年至少一篇论文获奖或发表",
        metric="research.achievements",
        period="school_year",
        threshold=1,
        filters={"kinds": ["paper_published", "paper_award"]},
    )
    p = next(x for x in progress_for_teacher(world.mentor, world.term, on=world.today) if x.requirement.pk == r.pk)
    assert p.done == 0
    achievement(world, persona="mentor", kind="lesson_award", title="优质课一等奖")  # not a paper
    achievement(world, persona="mentor", kind="paper_published", rank="none", title="发表的论文", verify=False)  # not verified
    p = next(x for x in progress_for_teacher(world.mentor, world.term, on=world.today) if x.requirement.pk == r.pk)
    assert p.done == 0
    achievement(world, persona="mentor", kind="paper_published", rank="none", title="另一篇发表的论文")
    p = next(x for x in progress_for_teacher(world.mentor, world.term, on=world.today) if x.requirement.pk == r.pk)
    assert p.done == 1


def test_assessment_item_scores_verified_points_capped(world):
    from xiaoben.assessment.models import AssessmentItem, AssessmentScheme, ItemSource
    from xiaoben.assessment.services import scheme_open

    reward_rules_defaults(school=world.school)
    scheme = AssessmentScheme.objects.create(school=world.school, term=world.term, name="考核")
    item = AssessmentItem.objects.create(scheme=scheme, name="教科研成果", points=Decimal("5"), source=ItemSource.RESEARCH)
    achievement(world, level="city", rank="first")  # 4分
    achievement(world, level="city", rank="second", title="第二篇")  # 3分 → 7, capped at 5
    achievement(world, level="national", rank="first", title="没认定", verify=False)
    achievement(world, persona="mentor", level="county", rank="first", title="陈芳的")  # 2分
    scheme_open(actor=scope_for(world.users["dean"]), scheme=scheme)
    scores = {s.result.teacher_id: s for s in item.scores.select_related("result")}
    assert scores[world.teacher.pk].score == Decimal("5.0")
    assert scores[world.teacher.pk].done == Decimal("7.0")
    assert "/research/teachers/" in scores[world.teacher.pk].evidence_url
    assert scores[world.mentor.pk].score == Decimal("2.0")
    assert scores[world.colleague.pk].score == 0


def test_verified_honour_updates_profile(world):
    a = achievement(
        world, persona="mentor", kind="honour", level="county", rank="none", title="南湖区骨干教师", honour_kind="backbone", verify=False
    )
    assert not TeacherHonour.objects.filter(teacher=world.mentor).exists()
    achievement_verify(actor=scope(world, "dean"), achievement=a)
    h = TeacherHonour.objects.get(teacher=world.mentor)
    assert (h.level, h.kind, h.year) == ("county", "backbone", 2026)
    # Sent back after all (the certificate was someone else's): the profile loses it again;
    # an honour of another year the roster brought stays.
    TeacherHonour.objects.create(teacher=world.mentor, level="city", kind="backbone", year=2020)
    achievement_return(actor=scope(world, "dean"), achievement=a, reason="证书不是本人的")
    assert list(TeacherHonour.objects.filter(teacher=world.mentor).values_list("level", "year")) == [("city", 2020)]


def test_honour_needs_its_title_and_student_award_its_students(world):
    with pytest.raises(ValidationError) as e:
        achievement(world, kind="honour", rank="none", verify=False)
    assert "honour_kind" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        achievement(world, kind="student_award", verify=False)
    assert "students" in e.value.message_dict
    assert Achievement.objects.count() == 0


def test_evidence_checked_by_content_and_size(world):
    fake = SimpleUploadedFile("证书.jpg", b"<html><script>alert(1)</script></html>")
    with pytest.raises(ValidationError) as e:
        achievement(world, evidence=fake, verify=False)
    assert "类型不被接受" in " ".join(e.value.message_dict["evidence"])
    big = SimpleUploadedFile("证书.png", b"\x89PNG" + b"0" * (11 * 1024 * 1024))
    with pytest.raises(ValidationError) as e:
        achievement(world, evidence=big, verify=False)
    assert "文件太大" in " ".join(e.value.message_dict["evidence"])
    with pytest.raises(ValidationError):
        achievement(world, evidence=None, verify=False)
    assert Achievement.objects.count() == 0


def test_teacher_must_be_credited_and_coauthors_same_school(world):
    with pytest.raises(ValidationError):
        achievement(world, teachers=[world.mentor], verify=False)
    with pytest.raises(ValidationError):
        achievement(world, teachers=[world.teacher, world.other_teacher], verify=False)
    # the 教导主任 records one for a colleague
    a = achievement(world, persona="dean", teachers=[world.colleague], verify=False)
    assert list(a.credits.values_list("teacher_id", flat=True)) == [world.colleague.pk]


def test_return_needs_reason_then_teacher_resubmits(world):
    a = achievement(world, verify=False)
    with pytest.raises(ValidationError):
        achievement_return(actor=scope(world, "dean"), achievement=a, reason=" ")
    achievement_return(actor=scope(world, "dean"), achievement=a, reason="级别填错了，应为县级")
    a.refresh_from_db()
    assert a.status == AchievementStatus.RETURNED
    a = achievement_resubmit(
        actor=scope(world, "teacher"),
        achievement=a,
        kind=a.kind,
        title=a.title,
        level="county",
        rank=a.rank,
        issuer=a.issuer,
        date=a.date,
        expected_version=a.version,
    )
    assert a.status == AchievementStatus.PENDING and a.return_reason == "" and a.level == "county"


def test_only_admin_verifies_and_other_school_is_hidden(world):
    a = achievement(world, verify=False)
    with pytest.raises(NotPermitted) as e:
        achievement_verify(actor=scope(world, "teacher"), achievement=a)
    assert e.value.message  # the teacher sees it: told why
    with pytest.raises(NotPermitted) as e:
        achievement_verify(actor=scope(world, "other_teacher"), achievement=a)
    assert e.value.hides_object
    with pytest.raises(NotPermitted) as e:
        achievement_verify(actor=scope(world, "researcher"), achievement=a)
    assert e.value.hides_object


def test_summary_figures_traceable(world, client_for):
    reward_rules_defaults(school=world.school)
    achievement(world, level="city", rank="first", teachers=[world.teacher, world.mentor])
    achievement(world, kind="paper_published", level="national", rank="none", title="发表在国家级刊物")
    achievement(world, kind="lesson_award", level="county", title="县级优质课")
    figs = {f.key: f for f in research_summary(world.school, dt.date(2026, 9, 1), dt.date(2027, 1, 22))}
    city = figs["awards_city_up_persons"]
    assert city.value == 2 and "获市级以上奖励2人次" in city.text  # joint city prize: 2 teachers; the paper is not a prize
    assert figs["achievements_paper_published"].text.startswith("发表论文1篇，其中国家级1篇")
    # The URL lists exactly the rows behind the number.
    r = client_for("dean").get(city.url)
    assert r.status_code == 200
    assert r.context["stats"]["person_times"] == 2
    assert r.context["page"].paginator.count == 1


def test_submit_notifies_admins(world, django_capture_on_commit_callbacks):
    from xiaoben.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        a = achievement_submit(
            actor=scope(world, "teacher"),
            kind="paper_award",
            title="t",
            level="city",
            rank="first",
            issuer="x",
            date=dt.date(2026, 10, 1),
            evidence=png(),
        )
    assert Notification.objects.filter(recipient=world.users["dean"], kind="research.achievement_submitted", target_id=a.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        achievement_verify(actor=scope(world, "dean"), achievement=a)
    assert Notification.objects.filter(recipient=world.users["teacher"], kind="research.achievement_verified").exists()


def test_assessment_sheet_follows_verify_return_and_rules_without_a_recompute(world, client_for):
    """The teacher's 考核 sheet shows a verified award at once (no 重新计分 needed); a return,
    a rule change and a delete move it again; a confirmed sheet stays as it was."""
    from xiaoben.assessment.models import AssessmentItem, AssessmentScheme, ItemSource
    from xiaoben.assessment.services import result_confirm, scheme_open
    from xiaoben.research.services_achievements import achievement_delete

    reward_rules_defaults(school=world.school)
    scheme = AssessmentScheme.objects.create(school=world.school, term=world.term, name="考核")
    item = AssessmentItem.objects.create(scheme=scheme, name="教科研成果", points=Decimal("10"), source=ItemSource.RESEARCH)
    scheme_open(actor=scope_for(world.users["dean"]), scheme=scheme)

    def score(teacher):
        return item.scores.get(result__teacher=teacher).score

    a = achievement(world, level="city", rank="first", verify=False)  # 市级一等奖 4分
    assert score(world.teacher) == 0
    achievement_verify(actor=scope(world, "dean"), achievement=a)
    assert score(world.teacher) == Decimal("4.0")
    result = item.scores.get(result__teacher=world.teacher).result
    page = client_for("teacher").get(f"/assessment/results/{result.pk}/").content.decode()
    assert "本学期认定成果 1 项" in page
    reward_rules_replace(actor=scope(world, "dean"), school=world.school, rows=[{"level": "city", "rank": "", "kind": "", "points": "6"}])
    assert score(world.teacher) == Decimal("6.0")
    achievement_return(actor=scope(world, "dean"), achievement=a, reason="证书日期看不清")
    assert score(world.teacher) == 0
    # An award dated outside the term does not touch the sheet.
    old = achievement(world, level="city", rank="first", title="去年的", date=dt.date(2025, 10, 1))
    assert old.is_verified and score(world.teacher) == 0
    # The mentor's sheet is confirmed: it keeps its score.
    mentor_result = item.scores.get(result__teacher=world.mentor).result
    mentor_result.status = "confirm"
    mentor_result.save(update_fields=["status"])
    result_confirm(actor=scope_for(world.users["dean"]), result=mentor_result)
    b = achievement(world, persona="mentor", level="city", rank="first", title="陈芳的论文")
    assert score(world.mentor) == 0
    c = achievement(world, level="city", rank="second", title="市级论文")  # the saved rule: 市级 6分
    assert score(world.teacher) == Decimal("6.0")
    achievement_delete(actor=scope(world, "dean"), achievement=c)
    assert score(world.teacher) == 0
    assert b.is_verified
