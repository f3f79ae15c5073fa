"""A closed term is read-only everywhere: 学时申报 and the .xlsx 学时 import, 师徒结对 (月报表, notes, evaluations),
集体备课/磨课, 考核 (also 重新计分) — refused in the services, so the pages (403 with the reason) and the API
(403 with the reason) both refuse, and nothing is saved."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from xiaoben.activities import services_prep
from xiaoben.activities.models import LessonPlanVersion, LessonPrep, LessonStudySeries
from xiaoben.assessment import services as assessment
from xiaoben.assessment.models import AssessmentResult, ItemSource
from xiaoben.core.errors import NotPermitted
from xiaoben.core.samples import pdf_bytes
from xiaoben.core.scope import SYSTEM, scope_for
from xiaoben.hours import services as hours
from xiaoben.hours.models import ClaimStatus, HourEntry, ImportBatch, TrainingClaim
from xiaoben.hours.tests.factories import xlsx
from xiaoben.mentoring import services as mentoring
from xiaoben.mentoring.models import MentorshipEvaluation, MentorshipNote, MentorshipReport
from xiaoben.reports.models import TermClosure

D = dt.date
PDF = pdf_bytes()


def close(term):
    TermClosure.objects.update_or_create(term=term, defaults={"closed_at": timezone.now()})


def refused(r):
    body = r.content.decode()
    return r.status_code == 403 and "已归档" in body


def claim_fields(end: dt.date) -> dict:
    return {
        "kind": "online",
        "title": "暑期网络研修",
        "organiser": "南湖区教师进修学校",
        "category": "online",
        "start_date": str(end - dt.timedelta(days=2)),
        "end_date": str(end),
        "hours": "6",
    }


# ---------------------------------------------------------------- 学时申报


def test_claim_into_closed_term_refused_ui_and_api(world, client_for, api_client_for):
    close(world.prev_term)
    end = world.prev_term.end_date - dt.timedelta(days=5)
    f = claim_fields(end)
    with pytest.raises(NotPermitted):
        hours.claim_submit(
            actor=scope_for(world.users["teacher"]),
            certificate=SimpleUploadedFile("c.pdf", PDF),
            **{**f, "start_date": D.fromisoformat(f["start_date"]), "end_date": end},
        )
    r = client_for("teacher").post(
        reverse("hours:claim_new"), {**claim_fields(end), "certificate": SimpleUploadedFile("证书.pdf", PDF, "application/pdf")}
    )
    assert refused(r), r.status_code
    r = api_client_for("teacher").post(
        "/api/v1/hours/claims", {**claim_fields(end), "certificate": SimpleUploadedFile("证书.pdf", PDF, "application/pdf")}
    )
    assert r.status_code == 403 and "已归档" in r.json()["detail"]
    assert not TrainingClaim.objects.exists()
    # the open term still takes claims
    r = api_client_for("teacher").post(
        "/api/v1/hours/claims", {**claim_fields(D(2026, 10, 20)), "certificate": SimpleUploadedFile("证书.pdf", PDF, "application/pdf")}
    )
    assert r.status_code == 201, r.content


def test_pending_claim_of_closed_term_cannot_be_approved(world, client_for, api_client_for):
    end = world.prev_term.end_date - dt.timedelta(days=5)
    f = claim_fields(end)
    claim = hours.claim_submit(
        actor=scope_for(world.users["teacher"]),
        certificate=SimpleUploadedFile("c.pdf", PDF),
        **{**f, "start_date": D.fromisoformat(f["start_date"]), "end_date": end},
    )
    close(world.prev_term)
    r = client_for("dean").post(reverse("hours:claim_approve", args=[claim.pk]), {"comment": ""})
    assert refused(r), r.status_code
    r = api_client_for("dean").post(f"/api/v1/hours/claims/{claim.pk}/approve", {"comment": ""}, content_type="application/json")
    assert r.status_code == 403 and "已归档" in r.json()["detail"]
    r = api_client_for("dean").post(f"/api/v1/hours/claims/{claim.pk}/reject", {"reason": "证书不清"}, content_type="application/json")
    assert r.status_code == 403
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PENDING and not claim.reviews.exclude(decision="submit").exists()


# ---------------------------------------------------------------- 学时导入 (.xlsx)


def test_hour_import_into_closed_term_refused_ui_and_api(world, client_for, api_client_for):
    close(world.prev_term)
    inside = world.prev_term.end_date - dt.timedelta(days=3)
    rows = [
        ("X009", "刘思雨", "暑期网络研修", "网络研修", 6, str(inside)),
        ("X004", "陈芳", "区级信息技术2.0应用能力提升", "区域", 3, "2026-10-20"),
    ]
    r = client_for("dean").post(reverse("hours:import"), {"file": xlsx(rows)})
    assert refused(r), r.status_code
    assert world.prev_term.name in r.content.decode()
    r = api_client_for("dean").post("/api/v1/hours/imports", {"file": xlsx(rows)})
    assert r.status_code == 403 and "已归档" in r.json()["detail"], r.content
    assert not HourEntry.objects.exists() and not ImportBatch.objects.exists()
    # rows of the open term alone still go in, through the API as through the page
    r = api_client_for("dean").post("/api/v1/hours/imports", {"file": xlsx(rows[1:])})
    assert r.status_code == 200 and r.json()["created"] == 1, r.content
    assert HourEntry.objects.get().term == world.term
    # a teacher may not import at all (they see their school: 403 with the reason)
    assert api_client_for("teacher").post("/api/v1/hours/imports", {"file": xlsx(rows[1:])}).status_code == 403


# ---------------------------------------------------------------- 师徒结对


@pytest.fixture
def last_year_pair(world):
    return mentoring.mentorship_create(
        actor=SYSTEM,
        school=world.school,
        school_year=world.prev_term.school_year,
        mentor=world.mentor,
        mentee=world.teacher,
        start_date=world.prev_term.school_year.terms.order_by("number").first().start_date,
        goals="站稳讲台",
    )


def test_monthly_report_of_closed_term_refused_ui_and_api(world, last_year_pair, client_for, api_client_for):
    close(world.prev_term)
    pair = last_year_pair
    month = world.prev_term.start_date.replace(day=1) + dt.timedelta(days=40)
    ym = f"{month:%Y-%m}"
    r = client_for("teacher").post(reverse("mentoring:report", args=[pair.pk, ym]), {"work_done": "听汇报课两节", "next_plan": ""})
    assert refused(r), r.status_code
    r = api_client_for("teacher").post(
        f"/api/v1/mentoring/pairs/{pair.pk}/reports", {"month": ym, "work_done": "听汇报课"}, content_type="application/json"
    )
    assert r.status_code == 403 and "已归档" in r.json()["detail"]
    assert not MentorshipReport.objects.filter(mentorship=pair).exists()


def test_year_records_of_closed_year_refused(world, last_year_pair, client_for):
    close(world.prev_term)  # the year's last term
    pair = last_year_pair
    r = client_for("teacher").post(reverse("mentoring:note_add", args=[pair.pk]), {"text": "补记一条"})
    assert refused(r), r.status_code
    assert not MentorshipNote.objects.filter(mentorship=pair).exists()
    with pytest.raises(NotPermitted):
        mentoring.evaluation_save(pair=pair, role="mentee_on_pair", grade="", comment="收获很大", actor=scope_for(world.users["teacher"]))
    assert not MentorshipEvaluation.objects.filter(mentorship=pair).exists()


# ---------------------------------------------------------------- 集体备课 / 磨课


def test_prep_of_closed_term_refused(world, client_for):
    prep = services_prep.prep_create(
        actor=scope_for(world.users["teacher"]),
        school=world.school,
        term=world.term,
        title="《秋天的雨》",
        lead=world.teacher,
        body="教学目标……",
    )
    series = services_prep.series_create(
        actor=scope_for(world.users["leader"]),
        school=world.school,
        term=world.term,
        kind="multi_round",
        title="同课异构",
        group=world.chinese,
    )
    close(world.term)
    c = client_for("teacher")
    r = c.post(reverse("activities:prep_create"), {"title": "新的主备", "lead": world.teacher.pk, "body": "目标"})
    assert refused(r), r.status_code
    r = c.post(reverse("activities:version_create", args=[prep.pk]), {"body": "修改后的教案", "note": ""})
    assert refused(r), r.status_code
    assert LessonPrep.objects.count() == 1 and LessonPlanVersion.objects.filter(prep=prep).count() == 1
    with pytest.raises(NotPermitted):
        services_prep.series_create(
            actor=scope_for(world.users["leader"]),
            school=world.school,
            term=world.term,
            kind="multi_round",
            title="再一轮",
            group=world.chinese,
        )
    assert LessonStudySeries.objects.filter(pk=series.pk).count() == LessonStudySeries.objects.count() == 1


# ---------------------------------------------------------------- 考核


@pytest.fixture
def last_term_scheme(world):
    s = assessment.scheme_create(
        school=world.school, term=world.prev_term, name="上学期考核", actor=scope_for(world.users["dean"]), with_defaults=False
    )
    item = assessment.item_add(scheme=s, actor=scope_for(world.users["dean"]), name="师德表现", points=10, source=ItemSource.ENTERED)
    assessment.scheme_open(scheme=s, actor=scope_for(world.users["dean"]))
    return s, item


def test_assessment_of_closed_term_refused_ui_and_api(world, last_term_scheme, client_for, api_client_for):
    s, item = last_term_scheme
    close(world.prev_term)
    result = AssessmentResult.objects.get(scheme=s, teacher=world.teacher)
    r = client_for("teacher").post(reverse("assessment:result_self", args=[result.pk]), {f"score_{item.pk}": "9"})
    assert refused(r), r.status_code
    r = api_client_for("teacher").post(
        f"/api/v1/assessment/results/{result.pk}/self", {"scores": {str(item.pk): 9}}, content_type="application/json"
    )
    assert r.status_code == 403 and "已归档" in r.json()["detail"]
    result.refresh_from_db()
    assert result.status == "self"
    r = client_for("dean").post(reverse("assessment:item_add", args=[s.pk]), {"name": "学生评教", "points": "10", "source": "entered"})
    assert refused(r), r.status_code
    assert s.items.count() == 1
    with pytest.raises(NotPermitted):
        assessment.scheme_create(school=world.school, term=world.prev_term, name="补一个", actor=scope_for(world.users["dean"]))


def test_assessment_recompute_of_closed_term_refused_ui_and_api(world, last_term_scheme, client_for, api_client_for):
    s, _item = last_term_scheme
    r = api_client_for("dean").post(f"/api/v1/assessment/schemes/{s.pk}/compute")
    assert r.status_code == 200 and r.json()["computed"] >= 1, r.content
    close(world.prev_term)
    before = list(AssessmentResult.objects.filter(scheme=s).order_by("pk").values_list("pk", "total", "computed_at"))
    r = client_for("dean").post(reverse("assessment:scheme_compute", args=[s.pk]))
    assert refused(r), r.status_code
    r = api_client_for("dean").post(f"/api/v1/assessment/schemes/{s.pk}/compute")
    assert r.status_code == 403 and "已归档" in r.json()["detail"], r.content
    with pytest.raises(NotPermitted, match="已归档"):
        assessment.scheme_compute(scheme=s)
    assert list(AssessmentResult.objects.filter(scheme=s).order_by("pk").values_list("pk", "total", "computed_at")) == before
    # only the school's admins may ask; others do not learn the scheme exists
    assert api_client_for("teacher").post(f"/api/v1/assessment/schemes/{s.pk}/compute").status_code == 404
    assert api_client_for("other_teacher").post(f"/api/v1/assessment/schemes/{s.pk}/compute").status_code == 404
