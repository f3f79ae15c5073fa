"""The 教学反思 a lesson-plan version may link to (`LessonPlanVersion.writing`).

Writings sit above activities in the layers (docs/architecture.md), so activities never
imports them: the writings app registers how to list a teacher's reflections and whether a
viewer may see one (`writings/apps.py`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class ReflectionSource:
    own: Callable[[object], QuerySet]  # (teacher) -> that teacher's reflections, newest first
    visible: Callable[[object, int], bool]  # (user, writing id) -> may the user see it


_source: ReflectionSource | None = None


def register(source: ReflectionSource) -> None:
    global _source
    _source = source


def source() -> ReflectionSource:
    if _source is None:
        raise LookupError("no reflection source registered (the writings app is not installed)")
    return _source
