from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("工作总结", "reports:summary", icon="ti-report", perm="reports:export", order=88, audience=("school_admin",)),
    NavItem("导出", "reports:exports", icon="ti-download", perm=None, order=90),
]
