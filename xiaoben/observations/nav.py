from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("听课评课", "observations:list", icon="ti-eye", perm="observations:write", order=30),
    NavItem("听课统计", "observations:matrix", icon="ti-grid-dots", audience=("group_leader", "school_admin", "region"), order=31),
    NavItem(
        "课堂评价表",
        "observations:rubrics",
        icon="ti-list-check",
        perm="rubrics:manage",
        order=32,
        section="管理",
        audience=("school_admin",),
    ),
]
