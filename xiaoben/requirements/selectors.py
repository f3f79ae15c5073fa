"""Reads: requirement lists, who may see whose progress, grid rows.

The progress engine itself lives in `engine.py`; its two entry points are re-exported
here so other apps import reads from one place:

    from xiaoben.requirements.selectors import progress_for_school, progress_for_teacher
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from xiaoben.core.scope import Scope
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, GroupMembership, Teacher

from .engine import Progress, ProgressGrid, progress_for_school, progress_for_teacher
from .models import Requirement, Status

__all__ = [
    "GridRow",
    "Progress",
    "ProgressGrid",
    "grid_rows",
    "may_see_progress_of",
    "progress_for_school",
    "progress_for_teacher",
    "requirement_list",
    "teacher_progress",
]


def teacher_progress(request, teacher: Teacher, term) -> list[Progress]:
    """`progress_for_teacher` once per request: several home cards show parts of it (the
    量化要求 card, the reading bar of the writings card)."""
    memo = request.__dict__.setdefault("_xb_teacher_progress", {})
    key = (teacher.pk, term.pk if term else None)
    if key not in memo:
        memo[key] = progress_for_teacher(teacher, term)
    return memo[key]


def requirement_list(*, user, school_id: int) -> QuerySet[Requirement]:
    return visible_to(user, Requirement).filter(school_id=school_id).select_related("group", "school_year").order_by("order", "id")


def may_see_progress_of(scope: Scope, teacher: Teacher) -> bool:
    """A teacher sees their own; a leader the members of the groups they lead; the
    school's admins everyone in the school."""
    if scope.is_self(teacher.pk) or scope.is_platform_admin or scope.admin_of(teacher.school_id):
        return True
    return scope.leads(teacher.pk)


@dataclass
class GridRow:
    teacher: Teacher
    cells: list[Progress | None]
    behind: int
    cells_html: str = ""  # filled by the grid view for the rows of the page shown


def grid_rows(grid: ProgressGrid, *, group: Group | None = None, status: str = "", sort: str = "", desc: bool = False) -> list[GridRow]:
    """Rows of the compliance grid: one per teacher (of `group` if given), filtered to
    those with a cell of `status`, sorted by name or by one requirement's share."""
    teachers = grid.teachers
    if group is not None:
        member_ids = set(GroupMembership.objects.filter(group=group).values_list("teacher_id", flat=True))
        teachers = [t for t in teachers if t.pk in member_ids]
    rows = []
    for t in teachers:
        cells = [grid.cell(t.pk, r.pk) for r in grid.requirements]
        if not any(cells):
            continue
        if status and not any(c and c.status == status for c in cells):
            continue
        rows.append(GridRow(t, cells, sum(1 for c in cells if c and c.status == Status.BEHIND)))
    if sort.startswith("r") and sort[1:].isdigit():
        idx = next((i for i, r in enumerate(grid.requirements) if r.pk == int(sort[1:])), None)
        if idx is not None:
            present = [r for r in rows if r.cells[idx]]
            absent = [r for r in rows if not r.cells[idx]]
            present.sort(key=lambda r: (r.cells[idx].sort_key, r.teacher.staff_no), reverse=desc)
            return present + absent
    if sort == "behind":
        return sorted(rows, key=lambda r: (-r.behind, r.teacher.staff_no), reverse=desc)
    return sorted(rows, key=lambda r: r.teacher.staff_no, reverse=desc)
