"""导出本学期文章 leaves drafts out unless asked (issue 14, item 11)."""

import datetime as dt
import io

import pytest
from docx import Document

from xiaoben.writings.models import Writing

pytestmark = pytest.mark.django_db


def _writing(world, title, status):
    return Writing.objects.create(
        school=world.school,
        term=world.term,
        author=world.teacher,
        kind="reflection",
        title=title,
        body="<p>正文</p>",
        status=status,
        written_on=dt.date(2026, 11, 10),
    )


def test_drafts_are_not_exported_unless_asked(world, client_for):
    _writing(world, "已提交的反思", "submitted")
    _writing(world, "还没写完的草稿", "draft")
    c = client_for("teacher")
    text = "\n".join(p.text for p in Document(io.BytesIO(c.get("/writings/export/docx/").content)).paragraphs)
    assert "已提交的反思" in text and "还没写完的草稿" not in text
    text = "\n".join(p.text for p in Document(io.BytesIO(c.get("/writings/export/docx/?drafts=1").content)).paragraphs)
    assert "还没写完的草稿" in text
