"""Small, real files for the demo data and the tests: they pass `core.uploads` because they parse."""

from __future__ import annotations

import functools
import io


@functools.cache
def pdf_bytes() -> bytes:
    """A one-page blank PDF."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@functools.cache
def png_bytes(size: int = 8) -> bytes:
    """A small red square."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), (200, 40, 40)).save(buf, "PNG")
    return buf.getvalue()


@functools.cache
def jpeg_bytes(size: int = 8) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (size, size), (40, 40, 200)).save(buf, "JPEG")
    return buf.getvalue()
