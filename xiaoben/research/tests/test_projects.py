"""课题: the stage flow refuses moves without their documents; the school confirms; outside
decisions need their 文号; overdue stages remind the leader."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import Notification
from xiaoben.research import flow
from xiaoben.research.models import DocKind, ProjectStage, Stage
from xiaoben.research.services import project_document_add, projects_remind_overdue

from .factories import advance, pdf, project, scope, upload_doc

pytestmark = pytest.mark.django_db


def test_move_refused_without_documents_then_allowed(world):
    p = project(world, level="school")
    with pytest.raises(ValidationError) as e:
        advance(world, p, Stage.APPROVED)
    assert "申报书" in " ".join(e.value.messages)
    upload_doc(world, p, DocKind.APPLICATION, persona="leader")
    row = advance(world, p, Stage.APPROVED)  # 校级: the school decides, no outside notice needed
    p.refresh_from_db()
    assert p.stage == Stage.APPROVED and row.confirmed_by_id == world.users["dean"].pk
    assert p.stage_due is not None  # a default deadline for 开题
    with pytest.raises(ValidationError) as e:
        advance(world, p, Stage.OPENED)
    assert "开题报告" in " ".join(e.value.messages)
    upload_doc(world, p, DocKind.OPENING, persona="leader")
    advance(world, p, Stage.OPENED)
    p.refresh_from_db()
    assert p.stage == Stage.OPENED
    assert list(p.stages.values_list("stage", flat=True)) == ["applied", "approved", "opened"]


def test_outside_level_needs_notice_and_decision(world):
    p = project(world, level="province")
    upload_doc(world, p, DocKind.APPLICATION)
    with pytest.raises(ValidationError) as e:
        advance(world, p, Stage.APPROVED, decision="浙教规办〔2026〕12号")
    assert "立项通知" in " ".join(e.value.messages)
    upload_doc(world, p, DocKind.APPROVAL)
    with pytest.raises(ValidationError) as e:
        advance(world, p, Stage.APPROVED)
    assert "文号" in " ".join(e.value.messages)
    advance(world, p, Stage.APPROVED, decision="浙教规办〔2026〕12号")
    p.refresh_from_db()
    assert p.stage == Stage.APPROVED and p.number == "浙教规办〔2026〕12号"


def test_cannot_skip_stages_and_concluded_is_final(world):
    p = project(world, level="school")
    upload_doc(world, p, DocKind.OPENING)
    with pytest.raises(ValidationError):
        advance(world, p, Stage.OPENED)  # 申报 → 开题 skips 立项
    for kind in (DocKind.APPLICATION, DocKind.MIDTERM, DocKind.FINAL, DocKind.OUTCOME):
        upload_doc(world, p, kind)
    for st in (Stage.APPROVED, Stage.OPENED, Stage.MIDTERM, Stage.CONCLUDED):
        advance(world, p, st)
    p.refresh_from_db()
    assert p.stage == Stage.CONCLUDED and p.stage_due is None
    assert flow.next_stages(p) == []
    with pytest.raises(ValidationError):
        advance(world, p, Stage.WITHDRAWN, note="x")


def test_extension_needs_its_own_application_each_time(world):
    p = project(world, level="school")
    upload_doc(world, p, DocKind.APPLICATION)
    advance(world, p, Stage.APPROVED)
    upload_doc(world, p, DocKind.OPENING)
    advance(world, p, Stage.OPENED)
    with pytest.raises(ValidationError):
        advance(world, p, Stage.EXTENDED)
    upload_doc(world, p, DocKind.EXTENSION)
    advance(world, p, Stage.EXTENDED, due_on=dt.date(2027, 6, 30))
    p.refresh_from_db()
    assert p.stage == Stage.EXTENDED and p.stage_due == dt.date(2027, 6, 30)
    # From 延期 the flow continues where it was (开题 → 中期检查), or extends again with a new application.
    assert flow.next_stages(p)[0] == Stage.MIDTERM
    with pytest.raises(ValidationError):
        advance(world, p, Stage.EXTENDED)


def test_withdraw_needs_reason(world):
    p = project(world, level="school")
    with pytest.raises(ValidationError):
        advance(world, p, Stage.WITHDRAWN)
    advance(world, p, Stage.WITHDRAWN, note="主持人调离")
    p.refresh_from_db()
    assert p.stage == Stage.WITHDRAWN


def test_only_school_admin_confirms(world):
    p = project(world, level="school", members=[world.teacher])
    upload_doc(world, p, DocKind.APPLICATION, persona="teacher")  # a member uploads
    with pytest.raises(NotPermitted) as e:
        advance(world, p, Stage.APPROVED, persona="leader")
    assert e.value.message  # the leader sees the project: told why (403)
    with pytest.raises(NotPermitted) as e:
        advance(world, p, Stage.APPROVED, persona="other_teacher")
    assert e.value.hides_object  # another school: as if it did not exist
    assert p.stages.count() == 1


def test_member_from_another_school_reads_but_cannot_upload(world):
    # A teacher of another school in the same district.
    from xiaoben.org.models import School, Teacher

    neighbour = School.objects.create(name="南湖区第三小学", short_name="三小", code="T-SX", stage="primary", region=world.district)
    from xiaoben.org.testing import make_teacher

    guest = make_teacher(neighbour, "050", "钱多多", since=dt.date(2010, 9, 1), birth=dt.date(1985, 1, 1))
    p = project(world, level="county", members=[guest])
    assert Teacher.objects.get(pk=guest.pk).school_id != p.school_id
    from xiaoben.core.scope import scope_for
    from xiaoben.core.tenancy import visible_to
    from xiaoben.research.models import ResearchProject

    gs = scope_for(guest.user)
    assert visible_to(gs, ResearchProject).filter(pk=p.pk).exists()
    with pytest.raises(NotPermitted) as e:
        project_document_add(actor=gs, project=p, kind=DocKind.APPLICATION, upload=pdf())
    assert e.value.message


def test_member_from_outside_the_region_refused(world):
    with pytest.raises(ValidationError):
        project(world, members=[world.other_teacher])


def test_upload_checks_type_by_content_and_size(world, settings):
    p = project(world, level="school")
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("申报书.pdf", b"MZ\x90\x00 this is an exe" + b"\x00" * 40)
    with pytest.raises(ValidationError) as e:
        project_document_add(actor=scope(world, "dean"), project=p, kind=DocKind.APPLICATION, upload=fake)
    assert "类型不被接受" in " ".join(e.value.messages)
    big = SimpleUploadedFile("申报书.pdf", b"%PDF" + b"0" * (21 * 1024 * 1024))
    with pytest.raises(ValidationError) as e:
        project_document_add(actor=scope(world, "dean"), project=p, kind=DocKind.APPLICATION, upload=big)
    assert "文件太大" in " ".join(e.value.messages)
    assert p.documents.count() == 0


def test_documents_in_notifies_admins(world, django_capture_on_commit_callbacks):
    p = project(world, level="province")
    with django_capture_on_commit_callbacks(execute=True):
        upload_doc(world, p, DocKind.APPLICATION, persona="leader")
    assert not Notification.objects.filter(kind="research.stage_ready").exists()  # 立项通知 still missing
    with django_capture_on_commit_callbacks(execute=True):
        upload_doc(world, p, DocKind.APPROVAL, persona="leader")
    n = Notification.objects.filter(kind="research.stage_ready", recipient=world.users["dean"])
    assert n.count() == 1 and "立项" in n.get().text
    assert flow.missing_documents(p, Stage.APPROVED) == []


def test_overdue_reminds_leader_once_a_week(world, django_capture_on_commit_callbacks):
    p = project(world, level="school", stage_due=dt.date(2026, 11, 1))
    project(world, level="school", title="按时的课题", stage_due=dt.date(2026, 12, 1))
    assert projects_remind_overdue(today=dt.date(2026, 11, 18)) == 1
    n = Notification.objects.filter(recipient=world.users["leader"], kind="research.stage_overdue")
    assert n.count() == 1 and "逾期" in n.first().text
    assert projects_remind_overdue(today=dt.date(2026, 11, 19)) == 0  # not again the next day
    assert projects_remind_overdue(today=dt.date(2026, 11, 26)) == 1  # a week later
    p.refresh_from_db()
    assert p.reminded_on == dt.date(2026, 11, 26)


def test_stage_history_rows(world):
    p = project(world, level="school")
    assert ProjectStage.objects.filter(project=p, stage=Stage.APPLIED).count() == 1


def test_overdue_reminder_runs_in_the_notice_tick_once_a_day(world):
    import datetime as dt

    from django.utils import timezone

    from xiaoben.messaging.scheduled import run_tick

    project(world, level="school", stage_due=dt.date(2026, 11, 1))
    morning = timezone.make_aware(dt.datetime(2026, 11, 18, 9, 0))
    assert run_tick(morning, only=["research.stage_overdue"])["research.stage_overdue"] == 1
    assert run_tick(morning + dt.timedelta(hours=2), only=["research.stage_overdue"])["research.stage_overdue"] == 0
    assert Notification.objects.filter(kind="research.stage_overdue").count() == 1
