"""Issue #12, 8 — the smaller findings."""

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from xiaoben.activities.tests.factories import make_activity
from xiaoben.core.services import comment_add
from xiaoben.writings.tests.helpers import write


def test_a_comment_is_escaped_once(world, client_for):
    w = write(world.teacher, submit=True)
    comment_add(author=world.users["leader"], target=w, body="3<5 & 6>4")
    page = client_for("teacher").get(reverse("writings:detail", args=[w.pk])).content.decode()
    assert "3&lt;5 &amp; 6&gt;4" in page and "&amp;lt;" not in page


def test_a_bad_writing_date_says_so(world, client_for):
    r = client_for("teacher").post(
        reverse("writings:create"), {"kind": "reflection", "title": "反思", "written_on": "2026-02-30", "body": "<p>正文</p>"}
    )
    assert r.status_code == 200
    assert "写作日期的格式不对" in r.content.decode()


def test_the_minutes_error_page_does_not_echo_the_post_unsanitised(world, client_for):
    a = make_activity(world)
    evil = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    r = client_for("mentor").post(reverse("activities:minutes", args=[a.pk]), {"body": evil + "<p> </p>", "version": "99"})
    body = r.content.decode()
    assert r.status_code == 400 and "onerror" not in body and "alert(2)" not in body


def test_uploaded_files_are_served_as_attachments_with_nosniff(world, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xiaoben.core.models import Attachment

    ct = ContentType.objects.get_for_model(type(world.teacher))
    att = Attachment.objects.create(
        target_type=ct,
        target_id=world.teacher.pk,
        file=SimpleUploadedFile("x.html", b"<script>alert(1)</script>"),
        name="x.html",
        size=25,
        kind="other",
        uploaded_by=world.users["teacher"],
    )
    r = client_for("dean").get(reverse("core:attachment", args=[att.pk]))
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Content-Disposition"].startswith("attachment") and "text/html" not in r["Content-Type"]


def test_a_double_submitted_observation_form_creates_one_record(world, client_for):
    from xiaoben.observations.models import Observation
    from xiaoben.observations.rubrics import rubric_for_school

    rubric = rubric_for_school(world.school)
    c = client_for("mentor")
    page = c.get(reverse("observations:new")).content.decode()
    import re

    token = re.search(r'name="form_token" value="([0-9a-f]+)"', page).group(1)
    data = {
        "teacher": world.teacher.pk,
        "lesson_date": "2026-11-18",
        "kind": "regular",
        "strengths": "情境创设好",
        "action": "submit",
        "form_token": token,
        "lesson_title": "富饶的西沙群岛",
        **{f"score_{i.pk}": str(i.max_points) for i in rubric.items.all()},
    }
    first = c.post(reverse("observations:new"), data)
    assert first.status_code == 302, re.findall(r"alert-danger[^<]*<[^<]*<[^<]*", first.content.decode())[:3]
    second = c.post(reverse("observations:new"), data)
    assert Observation.objects.count() == 1
    assert first.status_code == second.status_code == 302 and first.url == second.url
