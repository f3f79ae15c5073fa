"""参考文本库: a school or a district keeps texts known to circulate, so copies of them are found."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from .errors import require
from .html import html_to_text
from .models import ReferenceText
from .scope import Scope
from .textsim import SourceRef, SourceView, TextSource, index, quoted, register_source, unindex
from .uploads import validate_upload

KIND = "core.reference"
MIN_CHARS = 50


def _texts(ids: list[int]) -> dict[int, str]:
    return dict(ReferenceText.objects.filter(pk__in=ids).values_list("pk", "body"))


def _describe(scope: Scope, ids: list[int]) -> dict[int, SourceView]:
    from .tenancy import visible_to

    rows = visible_to(scope, ReferenceText).filter(pk__in=ids).select_related("school", "region")
    return {
        r.pk: SourceView(title=quoted(r.title), author=r.origin or "参考文本库", school=str(r.school or r.region or ""), url="")
        for r in rows
    }


register_source(TextSource(KIND, "参考文本库", _texts, _describe))


def text_from_upload(f: UploadedFile[bytes]) -> str:
    """The plain text of an uploaded .docx or .txt (checked by content, Chinese errors)."""
    kind = validate_upload(f, {"docx", "text"})
    if kind == "docx":
        from docx import Document

        try:
            return "\n".join(str(p.text) for p in Document(f).paragraphs)
        except Exception as exc:
            raise ValidationError("无法读取这个 Word 文件，请另存为 .docx 后重试。") from exc
    raw: bytes = f.read()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError("无法识别这个文本文件的编码，请另存为 UTF-8 后重试。")


@transaction.atomic
def reference_text_add(
    *, actor: Scope, title: str, body: str, origin: str = "", school_id: int | None = None, region_id: int | None = None
) -> ReferenceText:
    if school_id is not None:
        require(actor.can("school:manage", school_id=school_id), "只有学校管理员可以维护本校的参考文本库。")
    elif region_id is not None:
        require(region_id in actor.region_ids or actor.is_platform_admin, "只有教研员可以维护区域的参考文本库。")
    else:
        raise ValidationError("请指定参考文本属于哪个学校或区域。")
    text = html_to_text(body or "").strip() if "<" in (body or "") else (body or "").strip()
    title = (title or "").strip() or text[:20]
    if len(text) < MIN_CHARS:
        raise ValidationError(f"参考文本太短（{len(text)} 字），至少 {MIN_CHARS} 字才有比对意义。")
    row = ReferenceText(
        school_id=school_id,
        region_id=region_id,
        title=title[:200],
        origin=(origin or "").strip()[:200],
        body=text,
        created_by_id=actor.user_id,
    )
    row.full_clean()
    row.save()
    index(SourceRef(KIND, row.pk), text, school_id=school_id, region_id=region_id if school_id is None else None)
    return row


def can_manage(actor: Scope, text: ReferenceText) -> bool:
    """A school's text: its admins; a district's: that district's 教研员 (a school admin reads it only)."""
    if text.school_id is not None:
        return actor.can("school:manage", school_id=text.school_id)
    return text.region_id in actor.region_ids or actor.is_platform_admin


@transaction.atomic
def reference_text_delete(*, actor: Scope, text: ReferenceText) -> None:
    if text.school_id is not None:
        require(can_manage(actor, text), "只有学校管理员可以删除本校的参考文本。")
    else:
        require(can_manage(actor, text), "只有教研员可以删除区域的参考文本。")
    unindex(SourceRef(KIND, text.pk))
    text.delete()
