"""The one upload helper: allowed types are judged by content, not by name — and the content
is parsed, not only sniffed: an image must decode, a PDF must parse, a .docx/.xlsx/.pptx must be
a zip with its main part readable. An HTML page that begins with `%PDF` is refused."""

from __future__ import annotations

import io
import zipfile
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word 文档 (.docx)",
    "xlsx": "Excel 表格 (.xlsx)",
    "pptx": "PowerPoint 演示文稿 (.pptx)",
    "image": "图片 (PNG/JPEG/GIF/WebP)",
    "video": "视频 (MP4/WebM)",
    "text": "文本文件 (.txt)",
}
OFFICE_MARKERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
# The part without which an Office file cannot be opened (checked besides [Content_Types].xml).
OFFICE_MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
IMAGE_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
MAX_IMAGE_PIXELS = 60_000_000  # a 60-megapixel photo decodes; a decompression bomb does not
MAX_XML_PART = 50 * 1024 * 1024


def sniff_kind(head: bytes, data_for_zip: IO[bytes] | None = None) -> str | None:
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff") or head[:6] in (b"GIF87a", b"GIF89a"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image"
    if head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3"):  # MP4/MOV or WebM
        return "video"
    if head.startswith(b"PK\x03\x04") and data_for_zip is not None:
        try:
            with zipfile.ZipFile(data_for_zip) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        for kind, marker in OFFICE_MARKERS.items():
            if any(n.startswith(marker) for n in names):
                return kind
        return None
    if b"\x00" in head:
        return None
    for encoding in ("utf-8", "gb18030"):  # a text saved by Windows Notepad in China is often GBK
        for cut in range(4):  # the head may end inside a multi-byte Chinese character
            try:
                head[: len(head) - cut].decode(encoding)
                return "text"
            except UnicodeDecodeError:
                continue
    return None


PREVIEWABLE_IMAGES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif", b"RIFF": "image/webp"}


def served_type(kind: str, fieldfile: Any) -> tuple[str, bool]:  # a FieldFile
    """(Content-Type, as attachment) for a stored file whose kind was checked on upload: never
    guessed from the name a person typed. PDFs and images preview; everything else downloads."""
    if kind == "pdf":
        return "application/pdf", False
    if kind == "image":
        with fieldfile.open("rb") as fh:
            head = fh.read(12)
        for magic, mime in PREVIEWABLE_IMAGES.items():
            if head.startswith(magic):
                return mime, False
    return "application/octet-stream", True


def _stream(f: Any) -> IO[bytes]:  # an UploadedFile or any file object
    """A seekable binary stream over the upload (the temporary file for big ones, no copy)."""
    inner = getattr(f, "file", None)
    if inner is not None and hasattr(inner, "seek") and hasattr(inner, "read"):
        inner.seek(0)
        stream: IO[bytes] = inner
        return stream
    f.seek(0)
    return io.BytesIO(f.read())


def _check_image(stream: IO[bytes]) -> None:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    with Image.open(stream) as img:
        if img.format not in IMAGE_FORMATS:
            raise ValueError(img.format)
        width, height = img.size
        if width * height > MAX_IMAGE_PIXELS:
            raise ValidationError(f"图片尺寸太大（{width}×{height}），请缩小后再上传。")
        img.verify()  # the whole structure (PNG chunks and their checksums, …)
    stream.seek(0)
    with Image.open(stream) as img:
        img.load()  # and the pixels really decode (a truncated JPEG fails here)


def _check_pdf(stream: IO[bytes]) -> None:
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(stream, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        raise ValidationError("这个 PDF 设了打开密码，无法查看。请上传未加密的 PDF。")
    if len(reader.pages) < 1:
        raise ValueError("no pages")


def _check_office(stream: IO[bytes], kind: str) -> None:
    with zipfile.ZipFile(stream) as zf:
        names = set(zf.namelist())
        main = OFFICE_MAIN_PARTS[kind]
        if "[Content_Types].xml" not in names or main not in names:
            raise ValueError("missing part")
        for part in ("[Content_Types].xml", main):
            if zf.getinfo(part).file_size > MAX_XML_PART:
                raise ValueError("part too large")
            ElementTree.fromstring(zf.read(part))  # reading checks the CRC; parsing checks the XML


PARSERS = {"image": _check_image, "pdf": _check_pdf}
BROKEN = {
    "pdf": "文件「{name}」不是有效的 PDF（无法解析，可能已损坏，或只是把别的文件改成了 .pdf）。",
    "image": "文件「{name}」不是有效的图片（无法解码，可能已损坏）。",
    "docx": "文件「{name}」不是有效的 Word 文档（缺少必要的内容，可能已损坏）。请用 Word 另存为 .docx 后再上传。",
    "xlsx": "文件「{name}」不是有效的 Excel 表格（缺少必要的内容，可能已损坏）。请用 Excel 另存为 .xlsx 后再上传。",
    "pptx": "文件「{name}」不是有效的 PowerPoint 演示文稿（可能已损坏）。请另存为 .pptx 后再上传。",
}


def check_content(f: Any, kind: str) -> None:
    """Parse the upload as `kind`; a Chinese ValidationError when it does not parse."""
    stream = _stream(f)
    try:
        if kind in PARSERS:
            PARSERS[kind](stream)
        elif kind in OFFICE_MAIN_PARTS:
            _check_office(stream, kind)
    except ValidationError:
        raise
    except Exception:  # any parser failure means the same thing to the person uploading
        raise ValidationError(BROKEN[kind].format(name=getattr(f, "name", "") or "")) from None
    finally:
        stream.seek(0)
        f.seek(0)


def validate_upload(f: Any, kinds: set[str] | frozenset[str], max_mb: int | None = None) -> str:
    """Return the detected kind or raise ValidationError with a Chinese message."""
    max_mb = max_mb or settings.UPLOAD_MAX_MB
    allowed = "、".join(KIND_LABELS[k] for k in sorted(kinds))
    if f is None:
        raise ValidationError("请选择要上传的文件。")
    if f.size == 0:
        raise ValidationError("文件是空的，请检查后重新上传。")
    if f.size > max_mb * 1024 * 1024:
        raise ValidationError(f"文件太大：{f.size / 1024 / 1024:.1f} MB，最大允许 {max_mb} MB。")
    # The head decides the kind; only then is the file parsed as that kind (a 500 MB lesson
    # video is judged by its head alone and never loaded into memory).
    f.seek(0)
    head = f.read(64)
    f.seek(0)
    zipped = _stream(f) if head[:4] == b"PK\x03\x04" else None
    kind = sniff_kind(head, zipped)
    f.seek(0)
    if kind is None or kind not in kinds:
        raise ValidationError(f"文件「{getattr(f, 'name', '')}」的类型不被接受，只能上传：{allowed}。")
    check_content(f, kind)
    return kind
