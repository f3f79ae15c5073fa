"""Filling a document: the school's own uploaded .docx template when it has one (docxtpl),
else the default layout built with docx_style. A template that fails at render time falls
back to the default, so a school always gets its document.

`ctx` may be a callable: the context is then built only when a school template is in force
(the default layouts read the records directly)."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def render_document(document: str, school, ctx, default) -> bytes:
    if school is not None:
        from .templates_docx import active_template, render_template

        tpl = active_template(school, document)
        if tpl is not None:
            try:
                if callable(ctx):
                    ctx = ctx()
                return render_template(tpl, ctx)
            except Exception:  # the upload was checked; a later surprise must not cost the document
                log.exception("school template %s failed; default used", tpl.pk)
    return default(ctx)
