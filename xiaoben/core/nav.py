"""Navigation registry: each app lists its menu entries in `<app>/nav.py` as

    ITEMS = [NavItem("听课记录", "observations:list", icon="ti-eye", perm="observations:write", order=30)]

and the header shows those the person may use. `perm=None` means every signed-in
person; `audience` narrows by role ("teacher", "school_admin", "region", "platform")."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from django.urls import reverse
from django.utils.translation import gettext

from .appmodules import app_modules
from .scope import Scope


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    icon: str = "ti-circle"
    perm: str | None = None
    order: int = 50
    audience: tuple[str, ...] = ()
    section: str = ""  # shown grouped under a heading when set

    def allowed(self, scope: Scope) -> bool:
        if self.audience:
            ok = (
                ("teacher" in self.audience and scope.teacher is not None)
                or ("group_leader" in self.audience and scope.is_group_leader)
                or ("school_admin" in self.audience and scope.is_school_admin)
                or ("region" in self.audience and scope.is_region_staff)
                or ("platform" in self.audience and scope.is_platform_admin)
            )
            if not ok:
                return False
        return self.perm is None or scope.can(self.perm)


_ITEMS: list[NavItem] | None = None


def all_items() -> list[NavItem]:
    global _ITEMS
    if _ITEMS is None:
        items: list[NavItem] = []
        for mod in app_modules("nav"):
            items.extend(getattr(mod, "ITEMS", []))
        _ITEMS = sorted(items, key=lambda i: i.order)
    return _ITEMS


# The sidebar groups entries by what people come to do; an item's own `section` wins.
SECTIONS = ["", "研修", "进度与考核", "学校管理"]
SECTION_BY_APP = {
    "activities": "研修",
    "observations": "研修",
    "writings": "研修",
    "mentoring": "研修",
    "requirements": "进度与考核",
    "hours": "进度与考核",
    "assessment": "进度与考核",
    "org": "学校管理",
}
SECTION_BY_URL = {
    "observations:matrix": "进度与考核",
    "observations:rubrics": "学校管理",
    "requirements:manage": "学校管理",
    "core:home": "",
}
SECTION_ALIASES = {"管理": "学校管理"}


def section_of(item: NavItem) -> str:
    if item.section:
        return SECTION_ALIASES.get(item.section, item.section)
    if item.url_name in SECTION_BY_URL:
        return SECTION_BY_URL[item.url_name]
    return SECTION_BY_APP.get(item.url_name.split(":")[0], "")


class NavEntry(TypedDict):
    label: str
    url: str
    icon: str
    active: bool
    section: str
    order: int


def items_for(scope: Scope, current_path: str = "") -> list[NavEntry]:
    """Menu entries the person may use, in sidebar order, each with its section."""
    out: list[NavEntry] = []
    seen: set[str] = set()
    for item in all_items():
        if not item.allowed(scope):
            continue
        url = reverse(item.url_name)  # a menu entry without its route fails loudly
        if url in seen:
            continue
        seen.add(url)
        active = (url != "/" and current_path.startswith(url)) or url == current_path
        out.append(
            {
                "label": gettext(item.label),
                "url": url,
                "icon": item.icon,
                "active": active,
                "section": gettext(section_of(item)) if section_of(item) else "",
                "order": item.order,
            }
        )
    rank = {gettext(name) if name else "": i for i, name in enumerate(SECTIONS)}
    out.sort(key=lambda d: (rank.get(d["section"], len(SECTIONS)), d["order"]))
    # Only one entry is active: the longest matching prefix.
    actives = [d for d in out if d["active"]]
    if len(actives) > 1:
        best = max(actives, key=lambda d: len(d["url"]))
        for d in actives:
            d["active"] = d is best
    return out
