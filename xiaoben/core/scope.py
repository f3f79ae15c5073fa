"""Who a user is, computed once per request: the input to every visibility rule.

`scope_for(user)` answers in a fixed, small number of queries, whatever the size
of the school, and is cached on the user object for the rest of the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias

from django.db.models import Q, QuerySet

from .permissions import ROLE_PERMISSIONS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    from xiaoben.org.models import Teacher

# Whoever asks: a signed-in user, an anonymous visitor, or a Scope a service already holds.
Viewer: TypeAlias = "AbstractBaseUser | AnonymousUser | Scope | None"


@dataclass
class Scope:
    user_id: int | None
    is_authenticated: bool = False
    is_platform_admin: bool = False
    teacher: Teacher | None = None
    admin_school_ids: frozenset[int] = frozenset()  # 校长 / 学校管理员
    region_ids: frozenset[int] = frozenset()  # region subtree(s) of a 教研员
    region_school_ids: frozenset[int] = frozenset()  # schools inside those regions
    region_subjects: frozenset[str] = frozenset()  # empty = every subject
    region_manage: bool = False
    led_group_ids: frozenset[int] = frozenset()  # groups led, with their 备课组
    member_group_ids: frozenset[int] = frozenset()
    role_titles: list[str] = field(default_factory=list)

    @property
    def teacher_id(self) -> int | None:
        return self.teacher.pk if self.teacher else None

    @property
    def school_id(self) -> int | None:
        """The school this person works in or administers (their home school)."""
        if self.teacher:
            return self.teacher.school_id
        if self.admin_school_ids:
            return min(self.admin_school_ids)
        return None

    @property
    def is_group_leader(self) -> bool:
        return bool(self.led_group_ids)

    @property
    def is_school_admin(self) -> bool:
        return bool(self.admin_school_ids)

    @property
    def is_region_staff(self) -> bool:
        return bool(self.region_ids)

    @cached_property
    def school_perms(self) -> dict[int, frozenset[str]]:
        perms: dict[int, set[str]] = {}
        if self.teacher:
            base = ROLE_PERMISSIONS["group_leader" if self.led_group_ids else "teacher"]
            perms.setdefault(self.teacher.school_id, set()).update(base)
        for sid in self.admin_school_ids:
            perms.setdefault(sid, set()).update(ROLE_PERMISSIONS["school_admin"])
        return {k: frozenset(v) for k, v in perms.items()}

    @cached_property
    def region_perms(self) -> frozenset[str]:
        if not self.region_ids:
            return frozenset()
        return ROLE_PERMISSIONS["region_admin" if self.region_manage else "researcher"]

    def can(self, perm: str, school_id: int | None = None) -> bool:
        """Does this person hold `perm` — in `school_id` if given, else anywhere?"""
        if self.is_platform_admin:
            return True
        if perm.startswith("region:") or perm == "hours:approve_region":
            return perm in self.region_perms
        if school_id is None:
            return any(perm in p for p in self.school_perms.values())
        return perm in self.school_perms.get(school_id, frozenset())

    def admin_of(self, school_id: int | None) -> bool:
        return self.is_platform_admin or (school_id is not None and school_id in self.admin_school_ids)

    def sees_school_aggregates(self, school_id: int) -> bool:
        """Admins see their school; 教研员 see their region's schools (aggregates only)."""
        return self.admin_of(school_id) or school_id in self.region_school_ids

    @property
    def member_school_ids(self) -> frozenset[int]:
        """Schools whose staff lists and shared records this person may read."""
        ids = set(self.admin_school_ids)
        if self.teacher:
            ids.add(self.teacher.school_id)
        return frozenset(ids)

    @property
    def readable_school_ids(self) -> frozenset[int]:
        """Member schools plus a 教研员's region schools (for public/aggregate rows)."""
        return self.member_school_ids | self.region_school_ids

    @cached_property
    def home_region_school_ids(self) -> list[int]:
        """The schools of the teacher's own district (区域共享 reaches them): one query, on first use."""
        if not self.teacher:
            return []
        return directory().district_school_ids(self.teacher.school.region_id)

    def is_self(self, teacher_id: int | None) -> bool:
        return teacher_id is not None and teacher_id == self.teacher_id

    @cached_property
    def led_teacher_ids(self) -> frozenset[int]:
        """Teachers of this person's school in a group they lead (one query, on first use)."""
        if not self.led_group_ids or self.teacher is None:
            return frozenset()
        return frozenset(directory().led_members(self.led_group_ids, self.teacher.school_id).values_list("teacher_id", flat=True))

    def leads(self, teacher_id: int | None) -> bool:
        """Does this person lead a group that `teacher_id` belongs to (in their own school)?"""
        return teacher_id is not None and teacher_id in self.led_teacher_ids

    def led_members_filter(self, field: str = "teacher_id") -> Q:
        """A Q for querysets: rows whose `field` is a member of a group this person leads.

        A subquery, not the id list: leaders of big groups stay one query."""
        if not self.led_group_ids or self.teacher is None:
            return Q(pk__in=[])
        return Q(**{f"{field}__in": directory().led_members(self.led_group_ids, self.teacher.school_id)})


ANONYMOUS = Scope(user_id=None)

# The platform itself, acting without a person: seeds, data sets, management commands and test
# set-up pass it to services as the actor (it holds every permission, like a platform admin).
SYSTEM = Scope(user_id=None, is_authenticated=True, is_platform_admin=True)


class Directory(Protocol):
    """What core asks the org app (schools, regions, groups, terms). Core sits below org in the
    layers (docs/architecture.md): org registers its answers in `OrgConfig.ready`."""

    def build_scope(self, user: Any) -> Scope: ...
    def led_members(self, group_ids: frozenset[int], school_id: int) -> QuerySet[Any]: ...  # values("teacher_id")
    def district_school_ids(self, region_id: int | None) -> list[int]: ...
    def region_chain(self, region_id: int | None) -> tuple[int, ...]: ...
    def school_region_ids(self, school_ids: set[int]) -> list[int | None]: ...
    def current_term(self, school_id: int | None) -> Any: ...
    def home(self, request: Any) -> Any: ...
    def profile(self, request: Any) -> Any: ...


_directory: list[Directory] = []


def register_directory(d: Directory) -> None:
    _directory[:] = [d]


def directory() -> Directory:
    if not _directory:
        raise LookupError("no directory registered: the org app must be installed")
    return _directory[0]


def build_scope(user: Any) -> Scope:
    return directory().build_scope(user)


def scope_for(user: Viewer) -> Scope:
    if isinstance(user, Scope):  # services and exporters receive the actor's scope already
        return user
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_xiaoben_scope", None)
    if cached is None:
        cached = build_scope(user)
        setattr(user, "_xiaoben_scope", cached)  # noqa: B010 (an attribute the user model doesn't declare)
    assert isinstance(cached, Scope)
    return cached


def reset_scope(user: Viewer) -> None:
    if hasattr(user, "_xiaoben_scope"):
        delattr(user, "_xiaoben_scope")
