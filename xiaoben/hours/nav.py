from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("学时", "hours:ledger", icon="ti-clock-hour-4", perm="hours:claim", order=60, audience=("teacher",)),
    NavItem("学时统计", "hours:stats", icon="ti-chart-bar", perm="hours:approve_school", order=61, audience=("school_admin",)),
    NavItem("区域学时", "hours:region", icon="ti-chart-bar", perm="region:read", order=62, audience=("region",)),
    NavItem("学时审核", "hours:review", icon="ti-checklist", perm="hours:approve_region", order=61, audience=("region",)),
]
