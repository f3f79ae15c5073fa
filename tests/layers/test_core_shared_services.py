"""The shared building blocks every feature uses."""

import io
import zipfile

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xiaoben.core import services
from xiaoben.core.concurrency import ConflictError, save_checked
from xiaoben.core.html import clean_html, html_to_text
from xiaoben.core.models import Attachment, Comment, Notification
from xiaoben.core.notifications import notify
from xiaoben.core.samples import pdf_bytes
from xiaoben.core.uploads import validate_upload
from xiaoben.org.models import Group


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>')
    return buf.getvalue()


class TestUploads:
    def test_kind_is_judged_by_content_not_name(self):
        assert validate_upload(SimpleUploadedFile("a.pdf", pdf_bytes()), {"pdf"}) == "pdf"
        assert validate_upload(SimpleUploadedFile("plan.docx", _docx_bytes()), {"docx"}) == "docx"
        with pytest.raises(ValidationError, match="类型不被接受"):
            validate_upload(SimpleUploadedFile("evil.pdf", b"MZ\x90\x00binary"), {"pdf"})
        with pytest.raises(ValidationError, match="只能上传"):
            validate_upload(SimpleUploadedFile("plan.docx", _docx_bytes()), {"xlsx"})

    def test_size_and_empty(self, settings):
        with pytest.raises(ValidationError, match="文件太大"):
            validate_upload(SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (2 * 1024 * 1024)), {"pdf"}, max_mb=1)
        with pytest.raises(ValidationError, match="空的"):
            validate_upload(SimpleUploadedFile("e.pdf", b""), {"pdf"})

    def test_broken_zip_is_refused(self):
        with pytest.raises(ValidationError):
            validate_upload(SimpleUploadedFile("x.xlsx", b"PK\x03\x04garbage"), {"xlsx"})


class TestHtml:
    def test_scripts_handlers_styles_and_js_links_removed(self):
        dirty = '<p style="color:red" onclick="x()">好<script>alert(1)</script></p><a href="javascript:alert(1)">链接</a><img src=x onerror="alert(1)">'
        clean = clean_html(dirty)
        for bad in ("script", "onclick", "style=", "javascript:", "onerror"):
            assert bad not in clean
        assert "<p>好</p>" in clean

    def test_tables_and_lists_kept(self):
        html = "<table><tr><td colspan='2'>一</td></tr></table><ol><li>甲</li></ol>"
        clean = clean_html(html)
        assert "<table>" in clean and 'colspan="2"' in clean and "<li>甲</li>" in clean

    def test_text_of_html(self):
        assert html_to_text("<p>第一段</p><p>第二&amp;段</p>") == "第一段\n第二&段"


def test_second_saver_is_told(world):
    from xiaoben.observations.models import Observation

    obs = Observation.objects.create(
        school=world.school, term=world.term, observer=world.mentor, teacher=world.teacher, lesson_date=world.today
    )
    a = Observation.objects.get(pk=obs.pk)
    b = Observation.objects.get(pk=obs.pk)
    a.strengths = "导入自然"
    save_checked(a, a.version, ["strengths"])
    b.strengths = "覆盖"
    with pytest.raises(ConflictError, match="已被他人修改"):
        save_checked(b, b.version, ["strengths"])
    obs.refresh_from_db()
    assert obs.strengths == "导入自然" and obs.version == 2


def test_notifications_bell_and_mark_read(world, client_for):
    notify("requirements.reminder", recipients=[world.users["teacher"]], context={"items": "请提交本周反思"}, url="/")
    client = client_for("teacher")
    body = client.get("/").content.decode()
    assert 'data-testid="unread-count">1<' in body
    assert "请提交本周反思" in client.get(reverse("core:notifications")).content.decode()
    client.post(reverse("core:notifications_read"))
    assert Notification.objects.filter(recipient=world.users["teacher"], read_at__isnull=True).count() == 0
    # nobody else sees it
    assert "请提交本周反思" not in client_for("mentor").get(reverse("core:notifications")).content.decode()


class TestComments:
    def url(self, obj):
        return reverse("core:comment_add", args=[ContentType.objects.get_for_model(obj).pk, obj.pk])

    def test_comment_on_visible_record_with_mention(self, world, client_for):
        r = client_for("teacher").post(self.url(world.chinese), {"body": "同意 @陈芳 的意见", "next": "/org/groups/"})
        assert r.status_code == 302
        c = Comment.objects.get()
        assert c.author == world.users["teacher"]
        assert list(c.mentions.all()) == [world.users["mentor"]]
        assert Notification.objects.filter(recipient=world.users["mentor"], kind="core.mention").exists()

    def test_comment_on_other_schools_record_is_404(self, world, client_for):
        r = client_for("other_teacher").post(self.url(world.chinese), {"body": "hi", "next": "/"})
        assert r.status_code == 404
        assert not Comment.objects.exists()

    def test_empty_and_too_long_refused(self, world):
        with pytest.raises(ValidationError, match="不能为空"):
            services.comment_add(author=world.users["teacher"], target=world.chinese, body="  ")
        with pytest.raises(ValidationError, match="太长"):
            services.comment_add(author=world.users["teacher"], target=world.chinese, body="字" * 5001)

    def test_script_in_comment_is_shown_as_text(self, world, client_for):
        """Comments are plain text, stored as typed and escaped once when shown (issue #12:
        sanitising them as HTML as well showed 3&lt;5)."""
        from xiaoben.writings.tests.helpers import write

        w = write(world.teacher, submit=True)
        c = services.comment_add(author=world.users["leader"], target=w, body="<script>alert(1)</script>好")
        assert c.body == "<script>alert(1)</script>好"
        page = client_for("teacher").get(reverse("writings:detail", args=[w.pk])).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;好" in page and "<script>alert(1)" not in page


def test_attachment_download_follows_record_visibility(world, client_for):
    att = services.attachment_add(
        user=world.users["leader"], target=world.chinese, upload=SimpleUploadedFile("记录.pdf", pdf_bytes()), kinds={"pdf"}
    )
    url = reverse("core:attachment", args=[att.pk])
    assert client_for("teacher").get(url).status_code == 200
    assert client_for("other_teacher").get(url).status_code == 404
    assert client_for("anonymous").get(url).status_code == 302
    assert Attachment.objects.count() == 1


def test_profile_creates_and_revokes_tokens(world, client_for):
    client = client_for("teacher")
    r = client.post(reverse("core:profile"), {"name": "教务系统"})
    raw = r.context["new_token"]
    assert raw.startswith("xb_")
    from django.test import Client

    assert Client().get("/api/v1/org/me", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["name"] == "刘思雨"
    token = world.users["teacher"].api_tokens.get()
    assert client_for("mentor").post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    client.post(reverse("core:token_revoke", args=[token.pk]))
    assert Client().get("/api/v1/org/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_language_switch_to_english(world, client_for):
    client = client_for("teacher")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Sign out" in body and "Hello, 刘思雨" in body and "Staff no." in body
    assert '<html lang="en">' in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "退出登录" in client.get("/").content.decode()
    assert Group.objects.exists()


def test_chinese_is_default_even_for_english_browsers(world, client_for):
    body = client_for("teacher").get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "退出登录" in body and '<html lang="zh-CN">' in body


def test_both_sides_of_an_observation_hear_about_comments(world):
    from xiaoben.observations.models import Observation

    obs = Observation.objects.create(
        school=world.school, term=world.term, observer=world.mentor, teacher=world.teacher, lesson_date=world.today
    )
    services.comment_add(author=world.users["teacher"], target=obs, body="谢谢陈老师的建议", url="/x")
    assert Notification.objects.filter(recipient=world.users["mentor"], kind="core.comment").count() == 1
    assert not Notification.objects.filter(recipient=world.users["teacher"], kind="core.comment").exists()


def test_notifications_page_query_count_is_constant(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("teacher")
    notify("requirements.reminder", recipients=[world.users["teacher"]], context={"items": "第一条"})
    client.get(reverse("core:notifications"))

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("core:notifications")).status_code == 200
        return len(ctx)

    before = count()
    for i in range(40):
        notify("requirements.reminder", recipients=[world.users["teacher"]], context={"items": f"通知{i}"}, target=world.chinese)
    assert count() == before
