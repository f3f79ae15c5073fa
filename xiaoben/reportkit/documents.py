"""Filling a document a school may restyle: each app calls `render_document(kind, school, ctx,
default)` where it builds its .docx. The reports app (above every app) keeps the schools' uploaded
templates and registers the renderer that uses them; without it, the default layout is used.

`ctx` may be a callable: the context is then built only when a school template is in force (the
default layouts read the records directly)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from xiaoben.org.models import School

# A default layout: given the context (or the callable that builds it), the .docx bytes.
Default = Callable[[Any], bytes]
Renderer = Callable[[str, School | None, Any, Default], bytes]
_RENDERER: list[Renderer] = []


def register_renderer(fn: Renderer) -> None:
    _RENDERER[:] = [fn]


def render_document(document: str, school: School | None, ctx: Any, default: Default) -> bytes:
    if _RENDERER:
        return _RENDERER[0](document, school, ctx, default)
    return default(ctx)
