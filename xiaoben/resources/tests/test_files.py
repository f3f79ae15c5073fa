"""Uploads (content, size, versions) and serving with HTTP range requests."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoben.resources import services
from xiaoben.resources.models import ResourceFile
from xiaoben.resources.views_files import parse_range

from .helpers import VIDEO, approve, docx_upload, make_resource, scope_of, text_upload, video_upload


@pytest.fixture
def video_resource(world):
    return make_resource(world, title="课堂实录", kind="video", files=[(video_upload(), "video")])


def _file(r, kind):
    return ResourceFile.objects.get(resource=r, kind=kind)


def test_parse_range():
    assert parse_range("bytes=0-99", 1000) == (0, 99)
    assert parse_range("bytes=900-", 1000) == (900, 999)
    assert parse_range("bytes=-100", 1000) == (900, 999)
    assert parse_range("bytes=500-5000", 1000) == (500, 999)
    assert parse_range("bytes=1000-", 1000) is False
    assert parse_range("bytes=5-1", 1000) is False
    assert parse_range("bytes=0-1,5-9", 1000) is None  # multi-range: the whole file
    assert parse_range("", 1000) is None


def test_range_requests_let_a_phone_seek(world, client_for, video_resource):
    f = _file(video_resource, "video")
    data = VIDEO.read_bytes()
    c = client_for("colleague")
    whole = c.get(f"/resources/files/{f.pk}/")
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == data
    part = c.get(f"/resources/files/{f.pk}/", HTTP_RANGE="bytes=1000-1999")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 1000-1999/{len(data)}"
    assert part["Content-Length"] == "1000"
    assert b"".join(part.streaming_content) == data[1000:2000]
    tail = c.get(f"/resources/files/{f.pk}/", HTTP_RANGE="bytes=-500")
    assert b"".join(tail.streaming_content) == data[-500:]
    bad = c.get(f"/resources/files/{f.pk}/", HTTP_RANGE=f"bytes={len(data)}-")
    assert bad.status_code == 416 and bad["Content-Range"] == f"bytes */{len(data)}"
    assert part["Content-Type"] == "video/mp4" and part["Content-Disposition"].startswith("inline")


def test_file_of_another_school_is_404_even_with_range(world, client_for, video_resource):
    f = _file(video_resource, "video")
    assert client_for("other_teacher").get(f"/resources/files/{f.pk}/", HTTP_RANGE="bytes=0-10").status_code == 404
    assert client_for("other_researcher").get(f"/resources/files/{f.pk}/").status_code == 404


def test_public_file_served_without_login(world, client):
    r = approve(world, make_resource(world, title="公开视频", kind="video", visibility="public", files=[(video_upload(), "video")]))
    f = _file(r, "video")
    assert client.get(f"/resources/files/{f.pk}/", HTTP_RANGE="bytes=0-9").status_code == 206
    assert client.get(f"/resources/{r.pk}/").status_code == 200


def test_downloads_are_counted_but_not_range_reads(world, client_for, video_resource):
    f = _file(video_resource, "video")
    c = client_for("colleague")
    c.get(f"/resources/files/{f.pk}/", HTTP_RANGE="bytes=0-9")
    c.get(f"/resources/files/{f.pk}/")
    resp = c.get(f"/resources/files/{f.pk}/?download=1")
    assert resp["Content-Disposition"].startswith("attachment")
    video_resource.refresh_from_db()
    assert video_resource.download_count == 1


@pytest.mark.parametrize(
    "upload, message",
    [
        (SimpleUploadedFile("空.pdf", b""), "空"),
        (SimpleUploadedFile("病毒.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "类型不被接受"),
        (SimpleUploadedFile("伪装.mp4", b"MZ\x90\x00" + b"\x00" * 100), "类型不被接受"),
        (SimpleUploadedFile("假的.docx", b"PK\x03\x04garbage"), "类型不被接受"),
    ],
)
def test_upload_rejections(world, upload, message):
    r = make_resource(world, title="拒收")
    with pytest.raises(ValidationError) as e:
        services.resource_file_add(actor=scope_of(world, "teacher"), resource=r, upload=upload)
    assert message in "".join(e.value.messages)
    assert not ResourceFile.objects.filter(resource=r).exists()


def test_size_limits_video_and_others(world, settings):
    settings.UPLOAD_MAX_MB = 1
    settings.RESOURCES_VIDEO_MAX_MB = 2
    r = make_resource(world, title="大小")
    import io
    import os

    from PIL import Image

    buf = io.BytesIO()  # a real picture of ~1.5 MB (noise does not compress)
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(buf, "PNG")
    big_png = SimpleUploadedFile("大.png", buf.getvalue())
    with pytest.raises(ValidationError, match="非视频文件最大允许 1 MB"):
        services.resource_file_add(actor=scope_of(world, "teacher"), resource=r, upload=big_png)
    ok_video = SimpleUploadedFile("中.mp4", VIDEO.read_bytes()[:64] + b"0" * (1024 * 1024 + 10))
    services.resource_file_add(actor=scope_of(world, "teacher"), resource=r, upload=ok_video)
    too_big = SimpleUploadedFile("巨.mp4", VIDEO.read_bytes()[:64] + b"0" * (2 * 1024 * 1024 + 10))
    with pytest.raises(ValidationError, match="最大允许 2 MB"):
        services.resource_file_add(actor=scope_of(world, "teacher"), resource=r, upload=too_big)


def test_create_is_all_or_nothing(world):
    from xiaoben.resources.models import Resource

    with pytest.raises(ValidationError):
        make_resource(world, title="半截", files=[(text_upload(), "other"), (SimpleUploadedFile("x.exe", b"MZ\x00\x00"), "other")])
    assert not Resource.all_objects.filter(title="半截").exists()


def test_same_name_becomes_a_new_version_and_docx_text_preview(world):
    r = make_resource(world, title="版本", files=[(docx_upload(text="第一版 教学目标"), "design")])
    services.resource_file_add(actor=scope_of(world, "teacher"), resource=r, upload=docx_upload(text="第二版 教学目标"), role="design")
    files = list(ResourceFile.objects.filter(resource=r).order_by("version"))
    assert [(f.version, f.is_current) for f in files] == [(1, False), (2, True)]
    assert "第二版" in files[1].preview_text


def test_chinese_text_file_is_accepted_whatever_the_byte_cut(world):
    # 21 Chinese characters = 63 bytes; the 64-byte head ends inside the 22nd character.
    r = make_resource(world, title="文本", files=[(text_upload(text="分" * 40), "other")])
    assert ResourceFile.objects.get(resource=r).kind == "text"


def test_only_editors_add_files(world):
    from xiaoben.core.errors import NotPermitted

    r = make_resource(world, title="别人的")
    with pytest.raises(NotPermitted):
        services.resource_file_add(actor=scope_of(world, "colleague"), resource=r, upload=text_upload())


def test_pdf_preview_task_claims_once_and_stores_the_pdf(world, monkeypatch):
    from xiaoben.resources import tasks

    r = make_resource(world, title="预览", files=[(docx_upload(), "design")])
    f = ResourceFile.objects.get(resource=r)
    calls = []
    monkeypatch.setattr("xiaoben.resources.previews.office_to_pdf", lambda data, suffix: calls.append(suffix) or b"%PDF-1.4 fake")
    assert tasks.preview_pdf_build(f.pk) == "ready"
    assert tasks.preview_pdf_build(f.pk) == "skipped"  # a second worker finds it claimed
    f.refresh_from_db()
    assert f.preview_state == "ready" and f.preview_pdf.read().startswith(b"%PDF") and calls == [".docx"]


def test_pdf_preview_failure_keeps_the_text_extract(world, monkeypatch):
    from xiaoben.resources import tasks

    r = make_resource(world, title="预览失败", files=[(docx_upload(text="正文摘录"), "design")])
    f = ResourceFile.objects.get(resource=r)
    monkeypatch.setattr("xiaoben.resources.previews.office_to_pdf", lambda data, suffix: None)
    assert tasks.preview_pdf_build(f.pk) == "failed"
    f.refresh_from_db()
    assert f.preview_state == "failed" and "正文摘录" in f.preview_text
