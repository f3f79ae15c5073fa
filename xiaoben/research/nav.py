from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("我的成果", "research:mine", icon="ti-award", perm="research:write", order=55, audience=("teacher",), section="研修"),
    NavItem(
        "课题研究",
        "research:projects",
        icon="ti-flask",
        perm=None,
        order=56,
        audience=("teacher", "school_admin", "region"),
        section="研修",
    ),
    NavItem(
        "成果统计", "research:school", icon="ti-trophy", perm="research:manage", order=63, audience=("school_admin",), section="进度与考核"
    ),
    NavItem("区域课题与成果", "research:region", icon="ti-chart-bar", perm="region:read", order=64, audience=("region",)),
]
