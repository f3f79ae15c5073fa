"""One number format and one filename encoding for every document Xiaoben produces.

Schools write 10, 9.5, 90.5分 — never "1E+1", "10.0" or "9.50"."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.http import HttpResponse
from django.utils.http import content_disposition_header

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
HTML = "text/html; charset=utf-8"

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def num(value: object, places: int | None = 2) -> str:
    """10 → "10", Decimal("10.0") → "10", 9.50 → "9.5", 1/3 → "0.33"; None → ""."""
    if value is None or value == "":
        return ""
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    d = d.quantize(Decimal(1).scaleb(-places)) if places is not None else d
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def amount(value: Decimal | float | int | str) -> str:
    """A count or amount as progress texts write it: 12, 9.5 (one decimal place at most)."""
    v = Decimal(value).normalize()
    return f"{v:f}" if v == v.to_integral() else f"{v:.1f}"


def score(value: object, unit: str = "分") -> str:
    """90.5 → "90.5分"; None → "—"."""
    return "—" if value is None else f"{num(value)}{unit}"


def percent(part: Decimal | float | int, whole: Decimal | float | int | None, places: int = 1) -> str:
    """Share as a school writes it: 45 of 60 → "75%", 1 of 3 → "33.3%"; whole 0 → "—"."""
    if not whole:
        return "—"
    return f"{num(Decimal(part) * 100 / Decimal(whole), places)}%"


def safe_filename(name: str) -> str:
    """A filename every OS and zip tool accepts: no path separators or reserved characters."""
    name = _UNSAFE.sub("_", str(name)).strip(" .")
    return name[:150] or "download"


def file_response(filename: str, mimetype: str, data: bytes) -> HttpResponse:
    """The one way a file leaves the server: RFC 6266/5987 encoded Chinese filename."""
    r = HttpResponse(data, content_type=mimetype)
    r["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return r


def zh_date(d: dt.date | None) -> str:
    """2026年3月5日 (the way a school dates a document); empty for no date."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""
