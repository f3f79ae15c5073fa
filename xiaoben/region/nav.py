from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("区域工作台", "region:home", icon="ti-building-community", audience=("region",), order=2),
    NavItem("学校对比", "region:compare", icon="ti-chart-bar", audience=("region",), order=3),
    # the region's schools against the district's requirements (counts from the kept values)
    NavItem("达标情况", "region:compliance", icon="ti-table", perm="region:read", order=61, audience=("region",)),
    NavItem("教研联盟", "region:alliances", icon="ti-affiliate", audience=("region", "school_admin"), order=4),
    NavItem("视导调研", "region:visits", icon="ti-clipboard-check", audience=("region", "school_admin"), order=88),
]
