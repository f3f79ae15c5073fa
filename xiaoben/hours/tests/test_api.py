"""The 学时 API through the door: entries, summary, claims create / approve / reject."""

import datetime as dt

import pytest

from xiaoben.core.scope import scope_for
from xiaoben.hours import services
from xiaoben.hours.models import HourEntry, TrainingClaim

from .factories import claim_kwargs, entry, pdf


def _submit(world, teacher=None):
    teacher = teacher or world.teacher
    return services.claim_submit(actor=scope_for(teacher.user), certificate=pdf(), **claim_kwargs())


@pytest.mark.parametrize("path", ["/api/v1/hours/entries", "/api/v1/hours/claims"])
def test_anonymous_gets_401(client, db, path):
    assert client.get(path).status_code == 401


@pytest.mark.parametrize(
    "persona,sees",
    [("teacher", {"刘思雨"}), ("dean", {"刘思雨", "赵强"}), ("colleague", {"赵强"}), ("other_teacher", {"孙丽"}), ("researcher", set())],
)
def test_entries_scoped(world, api_client_for, persona, sees):
    entry(world.teacher, dt.date(2026, 10, 1), 3)
    entry(world.colleague, dt.date(2026, 10, 1), 2)
    entry(world.other_teacher, dt.date(2026, 10, 1), 9)
    items = api_client_for(persona).get("/api/v1/hours/entries").json()["items"]
    names = {
        "刘思雨" if i["teacher_id"] == world.teacher.pk else "赵强" if i["teacher_id"] == world.colleague.pk else "孙丽" for i in items
    }
    assert names == sees


@pytest.mark.parametrize("persona,status", [("teacher", 200), ("dean", 200), ("leader", 404), ("other_teacher", 404), ("researcher", 404)])
def test_summary_by_persona(world, api_client_for, persona, status):
    entry(world.teacher, dt.date(2026, 10, 1), 30, "online")
    r = api_client_for(persona).get(f"/api/v1/hours/summary/{world.teacher.pk}?year=2026")
    assert r.status_code == status
    if status == 200:
        d = r.json()
        assert float(d["year_total"]) == 30 and float(d["year_target"]) == 72 and d["cycle_start"] == 2022
        assert float(d["by_category"]["online"]["year"]) == 30


def test_claim_through_the_api(world, api_client_for):
    c = api_client_for("teacher")
    data = {k: str(v) for k, v in claim_kwargs().items()}
    r = c.post("/api/v1/hours/claims", {**data, "certificate": pdf()})
    assert r.status_code == 201, r.content
    cid = r.json()["id"]
    assert r.json()["step"] == "school"
    # no reason → 400 with a Chinese message
    r = api_client_for("dean").post(f"/api/v1/hours/claims/{cid}/reject", {"reason": ""}, content_type="application/json")
    assert r.status_code == 400 and "理由" in r.json()["detail"]
    # wrong approvers
    assert (
        api_client_for("other_researcher").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json").status_code
        == 404
    )
    assert api_client_for("colleague").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json").status_code == 404
    # the teacher sees the claim but may not decide it: 403 with the reason
    r = api_client_for("teacher").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json")
    assert r.status_code == 403 and "自己的" in r.json()["detail"]
    r = api_client_for("dean").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json")
    assert r.json()["step"] == "region"
    assert (
        api_client_for("other_researcher").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json").status_code
        == 404
    )
    r = api_client_for("researcher").post(f"/api/v1/hours/claims/{cid}/approve", {"comment": "同意"}, content_type="application/json")
    assert r.json()["status"] == "approved"
    r = api_client_for("researcher").post(f"/api/v1/hours/claims/{cid}/approve", {}, content_type="application/json")
    assert r.status_code == 400
    assert HourEntry.objects.filter(source_ref=f"claim:{cid}").count() == 1


def test_claim_create_refuses_bad_certificate(world, api_client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = {k: str(v) for k, v in claim_kwargs().items()}
    r = api_client_for("teacher").post("/api/v1/hours/claims", {**data, "certificate": SimpleUploadedFile("a.pdf", b"MZ\x00\x01")})
    assert r.status_code == 400 and not TrainingClaim.objects.exists()
    assert api_client_for("researcher").post("/api/v1/hours/claims", {**data, "certificate": pdf()}).status_code == 404


@pytest.mark.parametrize("persona,count", [("teacher", 1), ("dean", 2), ("researcher", 0), ("other_teacher", 1), ("other_researcher", 0)])
def test_claims_list_scoped(world, api_client_for, persona, count):
    _submit(world)
    _submit(world, world.other_teacher)
    _submit(world, world.colleague)
    items = api_client_for(persona).get("/api/v1/hours/claims").json()["items"]
    if persona == "dean":
        count = 2
    assert len(items) == count


def test_claim_detail_404_across_schools(world, api_client_for):
    c = _submit(world)
    assert api_client_for("other_teacher").get(f"/api/v1/hours/claims/{c.pk}").status_code == 404
    assert api_client_for("teacher").get(f"/api/v1/hours/claims/{c.pk}").status_code == 200


def test_to_review_queue(world, api_client_for):
    c = _submit(world)
    ids = [i["id"] for i in api_client_for("dean").get("/api/v1/hours/claims?to_review=true").json()["items"]]
    assert ids == [c.pk]
    assert api_client_for("researcher").get("/api/v1/hours/claims?to_review=true").json()["items"] == []
