from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("首页", "core:home", icon="ti-home", order=0),
    NavItem("教师", "org:teachers", icon="ti-users", perm="school:read_public", order=80, audience=("teacher", "school_admin", "platform")),
    NavItem(
        "小组", "org:groups", icon="ti-users-group", perm="school:read_public", order=81, audience=("teacher", "school_admin", "platform")
    ),
    NavItem("队伍分析", "org:analysis", icon="ti-chart-pie", perm="school:read", order=85, audience=("school_admin", "platform")),
    # 教研员 read the analysis of their region's schools (aggregates only).
    NavItem("队伍分析", "org:analysis", icon="ti-chart-pie", perm="region:read", order=85, audience=("region",)),
    NavItem("学期", "org:terms", icon="ti-calendar", perm="org:manage", order=90),
]
