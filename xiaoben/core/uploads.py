"""The one upload helper: allowed types are judged by content, not by name."""

from __future__ import annotations

import io
import zipfile

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


def sniff_kind(head: bytes, data_for_zip=None) -> str | None:
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
        except zipfile.BadZipFile:
            return None
        for kind, marker in OFFICE_MARKERS.items():
            if any(n.startswith(marker) for n in names):
                return kind
        return None
    if b"\x00" in head:
        return None
    for cut in range(4):  # the head may end inside a multi-byte Chinese character
        try:
            head[: len(head) - cut].decode("utf-8")
            return "text"
        except UnicodeDecodeError:
            continue
    return None


def validate_upload(f, kinds: set[str] | frozenset[str], max_mb: int | None = None) -> str:
    """Return the detected kind or raise ValidationError with a Chinese message."""
    max_mb = max_mb or settings.UPLOAD_MAX_MB
    allowed = "、".join(KIND_LABELS[k] for k in sorted(kinds))
    if f is None:
        raise ValidationError("请选择要上传的文件。")
    if f.size == 0:
        raise ValidationError("文件是空的，请检查后重新上传。")
    if f.size > max_mb * 1024 * 1024:
        raise ValidationError(f"文件太大：{f.size / 1024 / 1024:.1f} MB，最大允许 {max_mb} MB。")
    # Only the head is read: a 500 MB lesson video must not be loaded into memory to be judged.
    f.seek(0)
    head = f.read(64)
    f.seek(0)
    zipped = None
    if head[:4] == b"PK\x03\x04":
        zipped = f.file if hasattr(f, "file") and hasattr(f.file, "seek") else io.BytesIO(f.read())
    kind = sniff_kind(head, zipped)
    f.seek(0)
    if kind not in kinds:
        raise ValidationError(f"文件「{getattr(f, 'name', '')}」的类型不被接受，只能上传：{allowed}。")
    return kind
