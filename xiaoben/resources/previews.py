"""Previews of resource files: text extracts of .docx/.pptx/.xlsx/.txt made at upload,
and a PDF made in the background by LibreOffice where it is installed (`soffice` on
PATH). Without LibreOffice the page shows the text extract (docs/decisions.md)."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

TEXT_LIMIT = 20000


def text_of(f, kind: str) -> str:
    """Best-effort plain text of an uploaded file (empty when not a text-bearing kind)."""
    try:
        f.seek(0)
        if kind == "docx":
            import docx

            d = docx.Document(f)
            return "\n".join(p.text for p in d.paragraphs if p.text.strip())[:TEXT_LIMIT]
        if kind == "pptx":
            with zipfile.ZipFile(f) as zf:
                names = sorted(
                    (n for n in zf.namelist() if re.match(r"ppt/slides/slide\d+\.xml$", n)), key=lambda n: int(re.findall(r"\d+", n)[-1])
                )
                out = []
                for n in names:
                    xml = zf.read(n).decode("utf-8", "ignore")
                    out.append(" ".join(re.findall(r"<a:t>([^<]*)</a:t>", xml)))
                return "\n".join(out)[:TEXT_LIMIT]
        if kind == "xlsx":
            import openpyxl

            wb = openpyxl.load_workbook(f, read_only=True, data_only=True)
            out = []
            for ws in wb.worksheets[:5]:
                for row in ws.iter_rows(max_row=200, values_only=True):
                    cells = [str(c) for c in row if c not in (None, "")]
                    if cells:
                        out.append(" ".join(cells))
            return "\n".join(out)[:TEXT_LIMIT]
        if kind == "text":
            return f.read(TEXT_LIMIT * 3).decode("utf-8", "ignore")[:TEXT_LIMIT]
    except Exception:  # a damaged file still uploads; it just has no preview
        return ""
    finally:
        with contextlib.suppress(Exception):
            f.seek(0)
    return ""


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def office_to_pdf(data: bytes, suffix: str) -> bytes | None:
    """Convert with LibreOffice headless; None when it is missing or fails."""
    exe = libreoffice()
    if not exe:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        try:
            subprocess.run(
                [exe, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)], check=True, timeout=120, capture_output=True
            )
        except (subprocess.SubprocessError, OSError):
            return None
        pdf = Path(tmp) / "in.pdf"
        return pdf.read_bytes() if pdf.exists() else None
