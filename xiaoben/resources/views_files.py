"""Serving resource files through the door, with HTTP range requests so a phone can seek
in a lesson video (RFC 9110 §14: one byte range; 206 Partial Content; 416 when unsatisfiable)."""

from __future__ import annotations

import re
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from xiaoben.core.scope import scope_for

from . import selectors, services
from .models import ResourceFile

RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """(start, end) inclusive; None: no usable Range (serve it all); False: unsatisfiable."""
    m = RANGE_RE.match((header or "").strip())
    if not m:
        return None  # absent, multi-range or malformed: the whole file (allowed by the RFC)
    first, last = m.groups()
    if first == "" and last == "":
        return None
    if first == "":
        n = int(last)
        if n == 0:
            return False
        return max(0, size - n), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        return False
    return start, min(end, size - 1)


def _iter(fh, start: int, length: int):
    try:
        fh.seek(start)
        remaining = length
        while remaining > 0:
            data = fh.read(min(CHUNK, remaining))
            if not data:
                break
            remaining -= len(data)
            yield data
    finally:
        fh.close()


def _disposition(name: str, attachment: bool) -> str:
    kind = "attachment" if attachment else "inline"
    return f"{kind}; filename*=UTF-8''{quote(name)}"


def ranged_response(request, fieldfile, *, name: str, content_type: str, attachment: bool = False):
    size = fieldfile.size
    rng = parse_range(request.headers.get("Range", ""), size)
    if rng is False:
        resp = HttpResponse(status=416)
        resp["Content-Range"] = f"bytes */{size}"
        resp["Accept-Ranges"] = "bytes"
        return resp
    fh = fieldfile.open("rb")
    if rng is None:
        resp = FileResponse(fh, content_type=content_type)
        resp["Content-Length"] = str(size)
    else:
        start, end = rng
        length = end - start + 1
        resp = StreamingHttpResponse(_iter(fh, start, length), status=206, content_type=content_type)
        resp["Content-Range"] = f"bytes {start}-{end}/{size}"
        resp["Content-Length"] = str(length)
    resp["Accept-Ranges"] = "bytes"
    resp["Content-Disposition"] = _disposition(name, attachment)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


def _file_for(request, pk: int) -> ResourceFile:
    scope = scope_for(request.user)
    rf = selectors.file_for(scope, pk)
    if rf is None:
        raise Http404
    return rf


@require_GET
def file_serve(request, pk: int):
    """A file of a resource the person may read (public resources: anyone). `?download=1`
    counts a download and saves the file; otherwise it is shown in the page (inline)."""
    rf = _file_for(request, pk)
    download = request.GET.get("download") == "1"
    if download and "Range" not in request.headers:
        services.resource_downloaded(resource=rf.resource)
    # Text and office files are never rendered inline by the browser as HTML.
    inline_ok = rf.kind in ("pdf", "image", "video")
    return ranged_response(request, rf.file, name=rf.name, content_type=rf.mimetype, attachment=download or not inline_ok)


@require_GET
def file_preview_pdf(request, pk: int):
    rf = _file_for(request, pk)
    if not rf.preview_pdf:
        raise Http404
    return ranged_response(request, rf.preview_pdf, name=rf.name.rsplit(".", 1)[0] + ".pdf", content_type="application/pdf")
