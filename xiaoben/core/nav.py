"""Navigation registry: each app lists its menu entries in `<app>/nav.py` as

    ITEMS = [NavItem("听课记录", "observations:list", icon="ti-eye", perm="observations:write", order=30)]

and the header shows those the person may use. `perm=None` means every signed-in
person; `audience` narrows by role ("teacher", "school_admin", "region", "platform")."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.urls import NoReverseMatch, reverse

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
        for cfg in apps.get_app_configs():
            if cfg.name.startswith("xiaoben."):
                try:
                    mod = import_module(f"{cfg.name}.nav")
                except ModuleNotFoundError as e:
                    if e.name != f"{cfg.name}.nav":
                        raise
                    continue
                items.extend(getattr(mod, "ITEMS", []))
        _ITEMS = sorted(items, key=lambda i: i.order)
    return _ITEMS


def items_for(scope: Scope, current_path: str = "") -> list[dict]:
    out = []
    for item in all_items():
        if not item.allowed(scope):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        active = (url != "/" and current_path.startswith(url)) or url == current_path
        out.append({"label": item.label, "url": url, "icon": item.icon, "active": active, "section": item.section})
    return out
