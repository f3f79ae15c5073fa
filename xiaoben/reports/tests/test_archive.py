"""学期归档: unfinished list, closing builds the archive, closed terms refuse edits (UI and
API), reopening logs who and why."""

import datetime as dt
import io
import zipfile
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import activity, attend, observation, writing
from xiaoben.core.errors import NotPermitted
from xiaoben.core.scope import scope_for
from xiaoben.core.services import api_token_create
from xiaoben.observations.models import Observation
from xiaoben.reports import services
from xiaoben.reports.models import TermClosure, TermClosureLog

D = dt.date


@pytest.fixture
def last_term(world):
    t = world.prev_term
    a = activity(world.school, "lecture", D(2026, 4, 8), term=t, group=world.chinese)
    attend(a, world.teacher)
    activity(world.school, "seminar", D(2026, 4, 9), term=t, group=world.chinese)  # held, not recorded
    observation(world.teacher, world.mentor, D(2026, 4, 6), term=t)
    observation(world.leader, world.teacher, D(2026, 4, 7), term=t, status="draft")
    writing(world.teacher, "reflection", D(2026, 4, 10), term=t)
    return t


def test_unfinished_lists_drafts_and_unrecorded_activities(world, last_term, client_for):
    r = client_for("dean").get(reverse("reports:term", args=[last_term.pk]))
    kinds = [u["kind"] for u in r.context["unfinished"]]
    assert "听课记录草稿" in kinds and "活动未记录" in kinds
    assert all(u["url"] for u in r.context["unfinished"])


def test_close_builds_archive_and_locks_the_term(world, last_term, client_for, django_capture_on_commit_callbacks):
    c = client_for("dean")
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(reverse("reports:term_close", args=[last_term.pk]), {"confirm": "1"})
    assert r.status_code == 302
    closure = TermClosure.objects.get(term=last_term)
    assert closure.is_closed and closure.archive
    d = c.get(reverse("reports:term_archive", args=[last_term.pk]))
    z = zipfile.ZipFile(io.BytesIO(d.content))
    names = z.namelist()
    assert "index.html" in names and "目录.xlsx" in names
    assert any(n.startswith("01工作总结/") and n.endswith(".docx") for n in names)
    assert any("教研活动记录本" in n for n in names)
    assert any(n.startswith("03听课记录/") and "听课记录表" in n for n in names)
    assert any(n.startswith("05统计/") and n.endswith(".xlsx") for n in names)
    index = z.read("index.html").decode()
    for n in names:
        if n not in ("index.html", "目录.xlsx"):
            assert f'href="{quote(n)}"' in index  # relative links that open from the unzipped folder
    # closed: the services refuse, with the reason
    obs = Observation.objects.get(term=last_term, status="submitted")
    from xiaoben.observations import services as obs_services

    with pytest.raises(NotPermitted) as e:
        obs_services.observation_delete(actor=scope_for(world.teacher.user), observation=obs)
    assert "已归档" in e.value.message
    # UI: the delete view answers 403 with the message; the row is untouched
    r = client_for("teacher").post(reverse("observations:delete", args=[obs.pk]))
    assert r.status_code == 403 and "已归档" in r.content.decode()
    assert Observation.objects.filter(pk=obs.pk).exists()
    # other schools' terms are not reachable
    assert client_for("other_teacher").get(reverse("reports:term", args=[last_term.pk])).status_code == 404


def test_closed_term_refuses_api_writes(world, last_term):
    services.term_close(actor=scope_for(world.users["dean"]), term=last_term, user=world.users["dean"])
    _, token = api_token_create(user=world.users["teacher"], name="t")
    c = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    r = c.post(
        "/api/v1/observations/",
        data={"teacher_id": world.mentor.pk, "lesson_date": "2026-04-20", "kind": "regular", "submit": False},
        content_type="application/json",
    )
    assert r.status_code == 403 and "已归档" in r.json()["detail"], r.content
    assert not Observation.objects.filter(lesson_date=D(2026, 4, 20)).exists()


def test_reopen_needs_a_reason_and_is_logged(world, last_term, client_for):
    services.term_close(actor=scope_for(world.users["dean"]), term=last_term, user=world.users["dean"])
    c = client_for("dean")
    c.post(reverse("reports:term_reopen", args=[last_term.pk]), {"reason": ""})
    assert TermClosure.objects.get(term=last_term).is_closed
    c.post(reverse("reports:term_reopen", args=[last_term.pk]), {"reason": "补录期末检查发现遗漏的听课记录"})
    assert not TermClosure.objects.get(term=last_term).is_closed
    log = TermClosureLog.objects.filter(term=last_term, action="reopen").get()
    assert log.user == world.users["dean"] and "遗漏" in log.reason


@pytest.mark.parametrize("persona", ["teacher", "leader", "researcher", "other_teacher"])
def test_only_school_admins_close(world, last_term, client_for, persona):
    assert client_for(persona).post(reverse("reports:term_close", args=[last_term.pk])).status_code == 404
    assert not TermClosure.objects.filter(term=last_term, closed_at__isnull=False).exists()


def test_current_term_cannot_be_closed_before_it_ends(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.term_close(actor=scope_for(world.users["dean"]), term=world.term, user=world.users["dean"])


def test_archive_puts_attachments_beside_records(world, last_term):
    """Observations', writings' and activity minutes' attachments go into the archive next to
    the record's document."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoben.activities.models import Activity, ActivityMinutes
    from xiaoben.core.samples import png_bytes
    from xiaoben.core.services import attachment_add
    from xiaoben.reports.archive import build_archive
    from xiaoben.writings.models import Writing

    png = png_bytes()
    user = world.users["teacher"]
    obs = Observation.objects.get(term=last_term, status="submitted")
    attachment_add(user=user, target=obs, upload=SimpleUploadedFile("板书.png", png, "image/png"), kinds={"image"})
    wr = Writing.objects.get(term=last_term)
    attachment_add(user=user, target=wr, upload=SimpleUploadedFile("课件截图.png", png, "image/png"), kinds={"image"})
    act = Activity.objects.filter(term=last_term, group=world.chinese).order_by("starts_at").first()
    minutes = ActivityMinutes.objects.create(activity=act, body="<p>议课</p>")
    attachment_add(user=user, target=minutes, upload=SimpleUploadedFile("现场照片.png", png, "image/png"), kinds={"image"})

    _, _, data = build_archive(actor=scope_for(world.users["dean"]), term=last_term)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    obs_doc = next(n for n in names if n.startswith("03听课记录/") and "听课记录表" in n and n.endswith(".docx"))
    folder = obs_doc.rsplit("/", 1)[0]
    assert any(n.startswith(folder + "/") and n.endswith("板书.png") for n in names), names
    assert any(n.startswith("04研修文章/") and n.endswith("课件截图.png") for n in names), names
    assert any(n.startswith("02教研活动/语文组/附件/") and n.endswith("现场照片.png") for n in names), names
    # the catalogue lists them too
    index = zipfile.ZipFile(io.BytesIO(data)).read("index.html").decode()
    assert "板书.png" in index and "现场照片.png" in index
