from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("我的要求", "requirements:mine", icon="ti-target-arrow", perm="self:read", order=60, audience=("teacher",)),
    NavItem("达标情况", "requirements:grid", icon="ti-table", perm="group:read", order=61, audience=("group_leader", "school_admin")),
    NavItem("区域统一要求", "requirements:region_manage", icon="ti-list-check", perm="region:requirements", order=62, audience=("region",)),
    NavItem("量化要求", "requirements:manage", icon="ti-list-check", perm="requirements:manage", order=62),
]
