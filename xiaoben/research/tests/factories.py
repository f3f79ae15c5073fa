"""Small builders for research tests: real rows through the services."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from xiaoben.core import samples
from xiaoben.core.scope import reset_scope, scope_for

PNG = samples.png_bytes()
PDF = samples.pdf_bytes()


def png(name="证书.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name="报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def scope(world, persona):
    user = world.users[persona]
    reset_scope(user)
    return scope_for(user)


def project(world, *, level="county", persona="dean", leader=None, members=(), visibility="school", **kw):
    from xiaoben.research.services import project_create

    return project_create(
        actor=scope(world, persona),
        title=kw.pop("title", "小学语文整本书阅读的实践研究"),
        level=level,
        leader=leader or world.leader,
        member_ids=[m.pk for m in members],
        visibility=visibility,
        **kw,
    )


def upload_doc(world, p, kind, persona="dean"):
    from xiaoben.research.services import project_document_add

    return project_document_add(actor=scope(world, persona), project=p, kind=kind, upload=pdf(f"{kind}.pdf"))


def advance(world, p, to_stage, persona="dean", **kw):
    from xiaoben.research.services import project_stage_advance

    p.refresh_from_db()
    return project_stage_advance(actor=scope(world, persona), project=p, to_stage=to_stage, **kw)


def achievement(world, *, persona="teacher", kind="paper_award", level="city", rank="first", teachers=None, verify=True, date=None, **kw):
    from xiaoben.research.services_achievements import achievement_submit, achievement_verify

    a = achievement_submit(
        actor=scope(world, persona),
        kind=kind,
        title=kw.pop("title", "低年级识字教学中的游戏化设计"),
        level=level,
        rank=rank,
        issuer=kw.pop("issuer", "嘉兴市教育学会"),
        date=date or dt.date(2026, 10, 20),
        evidence=kw.pop("evidence", png()),
        teacher_ids=[t.pk for t in teachers] if teachers else None,
        **kw,
    )
    if verify:
        a = achievement_verify(actor=scope(world, "dean"), achievement=a)
    return a


def xlsx(rows) -> SimpleUploadedFile:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return SimpleUploadedFile("成果.xlsx", buf.getvalue())
