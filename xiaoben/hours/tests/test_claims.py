"""学时申报 and the approval chain 学校审核 → 区县审核: allowed and refused transitions,
credited exactly once, reasons on every rejection, the teacher told at each step."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoben.core.errors import NotPermitted
from xiaoben.core.models import Attachment, Notification
from xiaoben.core.scope import scope_for
from xiaoben.hours import services
from xiaoben.hours.models import HourEntry, TrainingClaim

from .factories import claim_kwargs, pdf


def submit(world, teacher=None, **over):
    teacher = teacher or world.teacher
    return services.claim_submit(actor=scope_for(teacher.user), certificate=pdf(), **claim_kwargs(**over))


def test_full_chain_credits_once_and_tells_the_teacher(world):
    claim = submit(world)
    assert (claim.status, claim.step, claim.chain) == ("pending", "school", ["school", "region"])
    assert Attachment.objects.filter(target_id=claim.pk).count() == 1
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    claim.refresh_from_db()
    assert (claim.status, claim.step, claim.reached_region) == ("pending", "region", True)
    assert not HourEntry.objects.filter(teacher=world.teacher).exists()
    services.claim_approve(actor=scope_for(world.users["researcher"]), claim=claim)
    claim.refresh_from_db()
    assert claim.status == "approved"
    e = HourEntry.objects.get(teacher=world.teacher)
    assert (e.hours, e.category, e.source, e.source_ref, e.term) == (Decimal("24"), "central", "claim", f"claim:{claim.pk}", world.term)
    texts = list(Notification.objects.filter(recipient=world.users["teacher"]).values_list("text", flat=True))
    assert any("已通过学校审核，等待区县审核" in t for t in texts)
    assert any("24.0学时已计入" in t for t in texts)
    # approving again is refused and credits nothing more
    with pytest.raises(ValidationError, match="不能重复审核"):
        services.claim_approve(actor=scope_for(world.users["researcher"]), claim=claim)
    with pytest.raises(NotPermitted):  # not the dean's step
        services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    assert HourEntry.objects.filter(teacher=world.teacher).count() == 1


def test_approvers_are_notified(world):
    submit(world)
    assert Notification.objects.filter(recipient=world.users["dean"], kind="hours.claim_review").exists()
    assert not Notification.objects.filter(recipient=world.users["researcher"]).exists()


def test_school_only_chain_is_a_school_setting(world):
    world.school.settings = {"claim_chain": ["school"]}
    world.school.save()
    claim = submit(world)
    assert claim.chain == ["school"]
    services.claim_approve(actor=scope_for(world.users["principal"]), claim=claim)
    claim.refresh_from_db()
    assert claim.status == "approved" and not claim.reached_region
    assert HourEntry.objects.filter(source_ref=f"claim:{claim.pk}").count() == 1


def test_rejection_needs_a_reason_and_the_teacher_sees_it(world, client_for):
    claim = submit(world)
    for blank in ("", "   "):
        with pytest.raises(ValidationError, match="必须填写理由"):
            services.claim_reject(actor=scope_for(world.users["dean"]), claim=claim, reason=blank)
    claim.refresh_from_db()
    assert claim.status == "pending"
    # through the page too
    r = client_for("dean").post(reverse("hours:claim_reject", args=[claim.pk]), {"reason": ""}, follow=True)
    assert "必须填写理由" in r.content.decode()
    client_for("dean").post(reverse("hours:claim_reject", args=[claim.pk]), {"reason": "证书照片模糊，请重新上传清晰的扫描件"})
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.reject_reason == "证书照片模糊，请重新上传清晰的扫描件"
    n = Notification.objects.get(recipient=world.users["teacher"], kind="hours.claim_rejected")
    assert "学校审核被退回：证书照片模糊" in n.text
    body = client_for("teacher").get(reverse("hours:claims")).content.decode()
    assert "证书照片模糊，请重新上传清晰的扫描件" in body
    body = client_for("teacher").get(reverse("hours:claim_detail", args=[claim.pk])).content.decode()
    assert "证书照片模糊" in body and reverse("hours:claim_edit", args=[claim.pk]) in body
    # a rejected claim cannot be approved until resubmitted
    with pytest.raises(ValidationError, match="已被退回"):
        services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)


def test_resubmit_after_fixing(world, client_for):
    claim = submit(world)
    services.claim_reject(actor=scope_for(world.users["dean"]), claim=claim, reason="学时应为 20")
    with pytest.raises(NotPermitted):  # a colleague does not see the claim: 404
        services.claim_resubmit(actor=scope_for(world.users["colleague"]), claim=claim, hours=Decimal("20"))
    r = client_for("teacher").post(
        reverse("hours:claim_edit", args=[claim.pk]),
        {**{k: str(v) for k, v in claim_kwargs().items()}, "hours": "20", "certificate": pdf("新证书.pdf")},
    )
    assert r.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.step, claim.hours, claim.reject_reason) == ("pending", "school", Decimal("20"), "")
    names = list(Attachment.objects.filter(target_id=claim.pk, target_type__model="trainingclaim").values_list("name", flat=True))
    assert names == ["新证书.pdf"]  # the certificate is kept once
    with pytest.raises(ValidationError, match="被退回的申报"):
        services.claim_resubmit(actor=scope_for(world.users["teacher"]), claim=claim)


def test_region_rejection_then_resubmit_starts_over(world):
    claim = submit(world)
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    services.claim_reject(actor=scope_for(world.users["researcher"]), claim=claim, reason="非区县认定项目")
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.step == "region"
    services.claim_resubmit(actor=scope_for(world.users["teacher"]), claim=claim, title="2026年国培计划（区县认定）")
    claim.refresh_from_db()
    assert claim.step == "school" and not claim.reached_region


@pytest.mark.parametrize("persona", ["teacher", "colleague", "leader", "mentor", "researcher", "other_researcher", "other_teacher"])
def test_wrong_approver_at_school_step_is_refused(world, persona):
    claim = submit(world)
    with pytest.raises(NotPermitted):
        services.claim_approve(actor=scope_for(world.users[persona]), claim=claim)
    claim.refresh_from_db()
    assert claim.step == "school" and claim.status == "pending"


@pytest.mark.parametrize("persona", ["dean", "principal", "other_researcher", "teacher"])
def test_wrong_approver_at_region_step_is_refused(world, persona):
    claim = submit(world)
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    with pytest.raises(NotPermitted):
        services.claim_approve(actor=scope_for(world.users[persona]), claim=claim)
    with pytest.raises(NotPermitted):
        services.claim_reject(actor=scope_for(world.users[persona]), claim=claim, reason="不行")
    assert not HourEntry.objects.exists()


def test_nobody_approves_their_own_claim(world):
    claim = submit(world, teacher=world.principal)
    with pytest.raises(NotPermitted, match="自己的"):
        services.claim_approve(actor=scope_for(world.users["principal"]), claim=claim)
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)


@pytest.mark.parametrize(
    "persona,status",
    [
        ("anonymous", 302),
        ("teacher", 200),
        ("dean", 200),
        ("principal", 200),
        ("colleague", 404),
        ("leader", 404),
        ("researcher", 404),  # not yet at 区县审核
        ("other_researcher", 404),
        ("other_teacher", 404),
        ("platform_admin", 200),
    ],
)
def test_claim_detail_by_persona(world, client_for, persona, status):
    claim = submit(world)
    assert client_for(persona).get(reverse("hours:claim_detail", args=[claim.pk])).status_code == status


@pytest.mark.parametrize("persona,status", [("researcher", 200), ("other_researcher", 404), ("dean", 200)])
def test_claim_detail_at_region_step(world, client_for, persona, status):
    claim = submit(world)
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    assert client_for(persona).get(reverse("hours:claim_detail", args=[claim.pk])).status_code == status


@pytest.mark.parametrize("persona,status", [("colleague", 404), ("other_teacher", 404), ("other_researcher", 404), ("anonymous", 302)])
def test_approve_and_reject_posts_refused(world, client_for, persona, status):
    claim = submit(world)
    c = client_for(persona)
    assert c.post(reverse("hours:claim_approve", args=[claim.pk])).status_code == status
    assert c.post(reverse("hours:claim_reject", args=[claim.pk]), {"reason": "x"}).status_code == status
    claim.refresh_from_db()
    assert claim.status == "pending" and claim.step == "school"


def test_get_on_approve_is_refused(world, client_for):
    claim = submit(world)
    assert client_for("dean").get(reverse("hours:claim_approve", args=[claim.pk])).status_code == 405


@pytest.mark.parametrize(
    "persona,status",
    [("anonymous", 302), ("teacher", 200), ("dean", 200), ("other_teacher", 200), ("researcher", 404)],
)
def test_claims_pages_by_persona(client_for, persona, status):
    c = client_for(persona)
    assert c.get(reverse("hours:claims")).status_code == status
    assert c.get(reverse("hours:claim_new")).status_code == status


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("teacher", 404), ("leader", 404), ("dean", 200), ("researcher", 200), ("other_teacher", 404)]
)
def test_review_queue_by_persona(client_for, persona, status):
    assert client_for(persona).get(reverse("hours:review")).status_code == status


def test_review_queues_hold_the_right_claims(world, client_for):
    claim = submit(world)
    other = submit(world, teacher=world.other_teacher, title="秀洲区网络研修")
    dean_body = client_for("dean").get(reverse("hours:review")).content.decode()
    assert claim.title in dean_body and other.title not in dean_body
    assert claim.title not in client_for("researcher").get(reverse("hours:review")).content.decode()
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    assert claim.title in client_for("researcher").get(reverse("hours:review")).content.decode()
    assert claim.title not in client_for("other_researcher").get(reverse("hours:review")).content.decode()
    assert claim.title not in client_for("dean").get(reverse("hours:review")).content.decode()


def test_new_claim_form_validates_and_saves_nothing_on_bad_input(world, client_for):
    c = client_for("teacher")
    base = {k: str(v) for k, v in claim_kwargs().items()}
    bad_file = SimpleUploadedFile("证书.pdf", b"MZ\x90\x00 not a pdf")
    r = c.post(reverse("hours:claim_new"), {**base, "certificate": bad_file})
    assert "类型不被接受" in r.content.decode()
    r = c.post(reverse("hours:claim_new"), {**base, "end_date": "2026-10-01", "certificate": pdf()})
    assert "结束日期不能早于开始日期" in r.content.decode()
    r = c.post(reverse("hours:claim_new"), {**base, "end_date": "2026-12-30", "certificate": pdf()})
    assert "培训尚未结束" in r.content.decode()
    r = c.post(reverse("hours:claim_new"), {**base})
    assert r.status_code == 200
    assert not TrainingClaim.objects.exists() and not Attachment.objects.exists()
    r = c.post(reverse("hours:claim_new"), {**base, "certificate": pdf()})
    assert r.status_code == 302 and TrainingClaim.objects.count() == 1


def test_certificate_downloads_follow_the_claim(world, client_for):
    claim = submit(world)
    att = Attachment.objects.get(target_id=claim.pk, target_type__model="trainingclaim")
    url = reverse("core:attachment", args=[att.pk])
    assert client_for("dean").get(url).status_code == 200
    assert client_for("other_teacher").get(url).status_code == 404


def test_claim_dates_hours_validation(world):
    with pytest.raises(ValidationError):
        submit(world, hours=Decimal("0"))
    with pytest.raises(ValidationError):
        submit(world, hours=Decimal("1000"))
    with pytest.raises(ValidationError):
        submit(world, title="  ")
    assert not TrainingClaim.objects.exists()
    submit(world, end_date=dt.date(2026, 11, 18), start_date=dt.date(2026, 11, 18))


def test_home_card_tells_the_teacher_about_a_rejection(world, client_for):
    claim = submit(world)
    services.claim_reject(actor=scope_for(world.users["dean"]), claim=claim, reason="请补充证书")
    body = client_for("teacher").get("/").content.decode()
    assert "1 条学时申报被退回" in body


def test_region_only_chain(world, client_for):
    world.school.settings = {"claim_chain": ["region"]}
    world.school.save()
    claim = submit(world)
    assert claim.step == "region" and claim.reached_region
    with pytest.raises(NotPermitted):
        services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    assert client_for("researcher").get(reverse("hours:claim_detail", args=[claim.pk])).status_code == 200
    services.claim_approve(actor=scope_for(world.users["researcher"]), claim=claim)
    assert HourEntry.objects.filter(source_ref=f"claim:{claim.pk}").count() == 1


@pytest.mark.parametrize(
    "persona,status", [("anonymous", 302), ("teacher", 200), ("dean", 404), ("colleague", 404), ("other_teacher", 404), ("researcher", 404)]
)
def test_claim_edit_only_by_its_teacher(world, client_for, persona, status):
    claim = submit(world)
    services.claim_reject(actor=scope_for(world.users["dean"]), claim=claim, reason="请补充")
    assert client_for(persona).get(reverse("hours:claim_edit", args=[claim.pk])).status_code == status


def test_credit_survives_a_second_approval_path(world):
    """Even if the ledger credit were attempted twice (e.g. a retried request), one row."""
    claim = submit(world)
    world.school.settings = {"claim_chain": ["school"]}
    world.school.save()
    services.claim_approve(actor=scope_for(world.users["dean"]), claim=claim)
    services.claim_approve(actor=scope_for(world.users["researcher"]), claim=claim)
    claim.refresh_from_db()
    services._credit_claim(claim)
    services._credit_claim(claim)
    assert HourEntry.objects.filter(teacher=world.teacher).count() == 1


def test_queue_and_claims_pages_query_counts_constant(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    submit(world)

    def count(c, url):
        c.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert c.get(url).status_code == 200
        return len(ctx)

    dean, teacher = client_for("dean"), client_for("teacher")
    urls = [(dean, reverse("hours:review")), (dean, reverse("hours:review") + "?status=all"), (teacher, reverse("hours:claims"))]
    before = [count(c, u) for c, u in urls]
    for i in range(12):
        submit(world, title=f"网络研修第{i}期")
    assert [count(c, u) for c, u in urls] == before
