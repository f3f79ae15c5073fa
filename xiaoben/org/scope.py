"""The answers core asks of org (`core.scope.Directory`): who a user is (the `Scope`), group
members, regions, the current term, and the home and profile pages. Registered in `OrgConfig.ready`
so that core never imports org (core is the bottom layer, docs/architecture.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from xiaoben.core.permissions import REGION_ROLES, SCHOOL_ROLES
from xiaoben.core.scope import ANONYMOUS, Scope

from .models import Group, GroupMembership, Region, RoleAssignment, School, Teacher
from .selectors import current_term as current_term
from .views_home import home as home
from .views_home import profile as profile


def led_members(group_ids: frozenset[int], school_id: int) -> QuerySet[Any]:  # values("teacher_id")
    """Members (values of teacher_id) of these groups in this school: a subquery, not a list."""
    return GroupMembership.objects.filter(group_id__in=group_ids, teacher__school_id=school_id).values("teacher_id")


def district_school_ids(region_id: int | None) -> list[int]:
    if region_id is None:
        return list(School.objects.filter(region__isnull=True).values_list("id", flat=True))
    return list(School.objects.filter(region_id=region_id).values_list("id", flat=True))


def school_region_ids(school_ids: set[int]) -> list[int | None]:
    return list(School.objects.filter(pk__in=school_ids).values_list("region_id", flat=True))


def region_chain(region_id: int | None) -> tuple[int, ...]:
    """A region and its ancestors (a district's library serves every 片区 below it)."""
    out: list[int] = []
    parents = dict(Region.objects.values_list("id", "parent_id"))
    while region_id is not None and region_id not in out:
        out.append(region_id)
        region_id = parents.get(region_id)
    return tuple(out)


def region_subtree(root_ids: set[int]) -> set[int]:
    # Region trees are small (a province has a few hundred nodes): one query, walk in memory.
    children: dict[int | None, list[int]] = {}
    for rid, parent_id in Region.objects.values_list("id", "parent_id"):
        children.setdefault(parent_id, []).append(rid)
    out: set[int] = set()
    stack = list(root_ids)
    while stack:
        rid = stack.pop()
        if rid in out:
            continue
        out.add(rid)
        stack.extend(children.get(rid, []))
    return out


def build_scope(user: Any) -> Scope:  # a User, an AnonymousUser or None
    if user is None or not user.is_authenticated:
        return ANONYMOUS
    teacher = Teacher.objects.select_related("school").filter(user_id=user.pk, is_active=True).first()
    admin_schools: set[int] = set()
    region_roots: set[int] = set()
    subjects: set[str] = set()
    region_manage = False
    titles: list[str] = []
    platform = user.is_superuser
    for ra in RoleAssignment.objects.filter(user_id=user.pk):
        titles.append(ra.title or ra.get_role_display())
        if ra.role == "platform_admin":
            platform = True
        elif ra.role in SCHOOL_ROLES and ra.school_id:
            admin_schools.add(ra.school_id)
        elif ra.role in REGION_ROLES and ra.region_id:
            region_roots.add(ra.region_id)
            subjects.update(ra.subject_list)
            region_manage = region_manage or ra.role == "region_admin"
    region_ids: set[int] = region_subtree(region_roots) if region_roots else set()
    region_school_ids: set[int] = set()
    if region_ids:
        region_school_ids = set(
            School.objects.filter(Q(region_id__in=region_ids) | Q(alliances__in=region_ids)).values_list("id", flat=True)
        )
    led: set[int] = set()
    member: set[int] = set()
    if teacher:
        for gid, role, child_ids in _memberships(GroupMembership, teacher.pk):
            member.add(gid)
            if role in ("leader", "deputy"):
                led.add(gid)
                led.update(child_ids)
    return Scope(
        user_id=user.pk,
        is_authenticated=True,
        is_platform_admin=platform,
        teacher=teacher,
        admin_school_ids=frozenset(admin_schools),
        region_ids=frozenset(region_ids),
        region_school_ids=frozenset(region_school_ids),
        region_subjects=frozenset(subjects),
        region_manage=region_manage,
        led_group_ids=frozenset(led),
        member_group_ids=frozenset(member),
        role_titles=titles,
    )


def _memberships(GroupMembership: type[GroupMembership], teacher_id: int) -> list[tuple[int, str, list[int]]]:
    rows = list(GroupMembership.objects.filter(teacher_id=teacher_id, group__is_active=True).values_list("group_id", "role"))
    led_ids = [gid for gid, role in rows if role in ("leader", "deputy")]
    children: dict[int, list[int]] = {}
    if led_ids:
        for cid, pid in Group.objects.filter(parent_id__in=led_ids).values_list("id", "parent_id"):
            children.setdefault(pid, []).append(cid)
    return [(gid, role, children.get(gid, [])) for gid, role in rows]
