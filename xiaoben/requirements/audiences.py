"""Who a requirement applies to: a registry like the metrics'.

Requirements knows the audiences it can tell from org alone (全体教师, 小组成员, 新教师, 组长,
指定角色); an app that knows more registers its own (mentoring: 师傅, 徒弟) in its
`metrics.py`:

    register_audience(AudienceKind("mentees", _("徒弟"), resolve=_mentees, rank=50))

`resolve(ctx, requirement) -> set of teacher ids`; `ctx` (`AudienceContext`) holds the school,
term, day and the active teachers, and caches what resolvers load (`ctx.cached(name, loader)`),
so a grid loads each table once whatever the number of requirements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass
class AudienceContext:
    school: Any
    term: Any
    teachers: list
    on: dt.date
    all_ids: set[int] = field(default_factory=set)
    _cache: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.all_ids = {t.pk for t in self.teachers}

    def cached(self, name: str, loader: Callable[[], Any]) -> Any:
        if name not in self._cache:
            self._cache[name] = loader()
        return self._cache[name]


@dataclass(frozen=True)
class AudienceKind:
    key: str
    label: str | Promise
    resolve: Callable[[AudienceContext, Any], set[int]]
    rank: int = 50  # position in choice lists
    needs: str = ""  # "group" | "role": the form asks for it; plan import never proposes it


_AUDIENCES: dict[str, AudienceKind] = {}


def register_audience(kind: AudienceKind) -> AudienceKind:
    _AUDIENCES[kind.key] = kind
    return kind


def _loaded() -> dict[str, AudienceKind]:
    from .registry import _autodiscover  # apps register audiences beside their metrics

    _autodiscover()
    return _AUDIENCES


def get_audience(key: str) -> AudienceKind | None:
    return _loaded().get(key)


def audience_choices(*, simple: bool = False) -> list[tuple[str, str]]:
    """(key, label) in rank order; `simple` leaves out those needing a group or role."""
    kinds = sorted(_loaded().values(), key=lambda a: (a.rank, a.key))
    return [(a.key, str(a.label)) for a in kinds if not (simple and a.needs)]


def audience_label(key: str) -> str:
    a = get_audience(key)
    return str(a.label) if a else key


# -- the audiences requirements can tell from org alone ---------------------------


def _memberships(ctx: AudienceContext):
    from xiaoben.org.models import GroupMembership

    return ctx.cached(
        "memberships",
        lambda: list(
            GroupMembership.objects.filter(group__school_id=ctx.school.pk, group__is_active=True).values_list(
                "teacher_id", "group_id", "role", "group__kind"
            )
        ),
    )


def _roles(ctx: AudienceContext):
    from xiaoben.org.models import RoleAssignment

    return ctx.cached("roles", lambda: list(RoleAssignment.objects.filter(school_id=ctx.school.pk).values_list("role", "user_id")))


def _group(ctx, r) -> set[int]:
    return {tid for tid, gid, _, _ in _memberships(ctx) if gid == r.group_id} & ctx.all_ids


def _leaders(ctx, r) -> set[int]:
    rows = _memberships(ctx)
    return {tid for tid, _, role, kind in rows if role in ("leader", "deputy") and (not r.group_kind or kind == r.group_kind)} & ctx.all_ids


def _role(ctx, r) -> set[int]:
    users = {uid for role, uid in _roles(ctx) if role == r.role}
    return {t.pk for t in ctx.teachers if t.user_id in users}


ALL = register_audience(AudienceKind("all", _("全体教师"), lambda ctx, r: set(ctx.all_ids), rank=10))
GROUP = register_audience(AudienceKind("group", _("指定小组成员"), _group, rank=20, needs="group"))
NEW_TEACHERS = register_audience(
    AudienceKind("new_teachers", _("新教师（教龄三年内）"), lambda ctx, r: {t.pk for t in ctx.teachers if t.is_new(ctx.on)}, rank=30)
)
GROUP_LEADERS = register_audience(AudienceKind("group_leaders", _("组长"), _leaders, rank=60))
ROLE = register_audience(AudienceKind("role", _("指定角色"), _role, rank=70, needs="role"))
