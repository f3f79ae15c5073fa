"""Test helpers: resources made through the services, files made in memory."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoben.core.scope import reset_scope, scope_for
from xiaoben.resources import search
from xiaoben.resources import services as svc
from xiaoben.resources.models import Resource

VIDEO = Path(__file__).resolve().parent.parent / "demo_media" / "fraction-lesson.mp4"


def scope_of(world, persona):
    user = world.users[persona]
    reset_scope(user)
    return scope_for(user)


def docx_upload(name="教案.docx", text="分数的初步认识 教学设计"):
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


PPTX_NS = (
    'xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
)


def pptx_upload(name="课件.pptx"):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("ppt/presentation.xml", f"<p:presentation {PPTX_NS}/>")
        zf.writestr("ppt/slides/slide1.xml", f"<p:sld {PPTX_NS}><a:t>认识几分之一</a:t></p:sld>")
    return SimpleUploadedFile(name, buf.getvalue())


def video_upload(name="课堂实录.mp4"):
    return SimpleUploadedFile(name, VIDEO.read_bytes(), content_type="video/mp4")


def text_upload(name="说明.txt", text="这是一份说明"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def make_resource(
    world, persona="teacher", *, title="资源", kind="lesson_plan", visibility="school", files=None, index=True, **kw
) -> Resource:
    scope = scope_of(world, persona)
    r = svc.resource_create(actor=scope, user=world.users[persona], title=title, kind=kind, visibility=visibility, files=files or [], **kw)
    if index:
        search.index_pk(Resource, r.pk)
    return Resource.objects.get(pk=r.pk)


def approve(world, r, persona="principal"):
    svc.resource_share_decide(actor=scope_of(world, persona), resource=r, approve=True)
    search.index_pk(Resource, r.pk)
    return Resource.objects.get(pk=r.pk)
