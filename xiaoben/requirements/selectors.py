"""Reads: requirement lists, who may see whose progress, grid rows.

The progress engine itself lives in `engine.py`; its two entry points are re-exported
here so other apps import reads from one place:

    from xiaoben.requirements.selectors import progress_for_school, progress_for_teacher
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from xiaoben.core.errors import NotPermitted, require
from xiaoben.core.scope import Scope, Viewer
from xiaoben.core.tenancy import visible_to
from xiaoben.org.models import Group, GroupMembership, Region, School, Teacher, Term
from xiaoben.org.selectors import school_for_scope

from . import predicates as can
from .engine import Progress, ProgressGrid, progress_for_school, progress_for_teacher
from .models import Requirement, Status
from .predicates import may_see_progress_of

__all__ = [
    "GridAccess",
    "GridRow",
    "Progress",
    "ProgressGrid",
    "grid_access",
    "grid_rows",
    "led_group_of",
    "may_see_progress_of",
    "progress_for_school",
    "progress_for_teacher",
    "requirement_list",
    "teacher_progress",
]


def teacher_progress(request: HttpRequest, teacher: Teacher, term: Term | None) -> list[Progress]:
    """`progress_for_teacher` once per request: several home cards show parts of it (the
    量化要求 card, the reading bar of the writings card)."""
    memo: dict[tuple[int, int | None], list[Progress]] = request.__dict__.setdefault("_xb_teacher_progress", {})
    key = (teacher.pk, term.pk if term else None)
    if key not in memo:
        memo[key] = progress_for_teacher(teacher, term)
    return memo[key]


def requirement_list(*, user: Viewer, school_id: int) -> QuerySet[Requirement]:
    return visible_to(user, Requirement).filter(school_id=school_id).select_related("group", "school_year").order_by("order", "id")


def managed_school(scope: Scope) -> School:
    """The school whose requirements this person manages (their own); 404 for anyone else."""
    school = school_for_scope(scope)
    require(school is not None and can.can_manage_requirements(scope, school.pk))
    assert school is not None
    return school


def region_templates(scope: Scope, region_ids: list[int]) -> QuerySet[Requirement]:
    """The district's own rules (templates, no school) of these regions, as this person sees them."""
    return visible_to(scope, Requirement).filter(region_id__in=region_ids, school__isnull=True)


@dataclass
class GridAccess:
    """Which compliance grid a person may see: a school admin their school (any group, or all);
    a group leader only the groups they lead (the first when none is asked for)."""

    school: School
    is_admin: bool
    groups: list[Group]
    group: Group | None


def grid_access(scope: Scope, *, school_id: int | None = None, group_id: int | None = None) -> GridAccess:
    """One answer for the grid page, its reminders and `GET /api/v1/progress/school`:
    `NotPermitted()` (404) for everyone else, or for a group they do not lead."""
    school = school_for_scope(scope, school_id)
    if school is None or not can.may_see_grid(scope, school.pk):
        raise NotPermitted()
    is_admin = scope.admin_of(school.pk)
    qs = Group.objects.filter(school=school, is_active=True)
    if not is_admin:
        qs = qs.filter(pk__in=can.leads_in(scope, school.pk))
    groups = sorted(qs, key=lambda g: (g.kind != "subject", g.kind, g.name))  # 教研组 first
    group = next((g for g in groups if g.pk == group_id), None)
    if group_id and group is None:
        raise NotPermitted()
    if group is None and not is_admin:
        if not groups:
            raise NotPermitted()
        group = groups[0]
    return GridAccess(school, is_admin, groups, group)


def cell_records(progress: Progress) -> QuerySet[Model]:
    """The records behind one cell, unfiltered by visibility (the page applies `visible_to`)."""
    r = progress.requirement
    metric = r.metric_obj
    if metric is None:
        raise NotPermitted()
    qs: QuerySet[Model] = metric.records(teacher_id=progress.teacher_id, start=progress.start, end=progress.end, filters=r.filters)
    return qs


def led_group_of(scope: Scope, teacher: Teacher) -> int | None:
    """A group the leader leads that the teacher is in (where the cell page's 提醒 goes)."""
    return GroupMembership.objects.filter(teacher=teacher, group_id__in=scope.led_group_ids).values_list("group_id", flat=True).first()


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
            present = [(cell, r) for r in rows if (cell := r.cells[idx]) is not None]
            absent = [r for r in rows if not r.cells[idx]]
            present.sort(key=lambda cr: (cr[0].sort_key, cr[1].teacher.staff_no), reverse=desc)
            return [r for _, r in present] + absent
    if sort == "behind":
        return sorted(rows, key=lambda r: (-r.behind, r.teacher.staff_no), reverse=desc)
    return sorted(rows, key=lambda r: r.teacher.staff_no, reverse=desc)


def regions_served(scope: Scope) -> QuerySet[Region]:
    """The regions a 教研员 sets 区域统一要求 for: the top of each subtree they serve."""
    ids = set(scope.region_ids)
    tops = [r.pk for r in Region.objects.filter(pk__in=ids) if r.parent_id not in ids]
    return Region.objects.filter(pk__in=tops).order_by("pk")
