from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("导出", "reports:exports", icon="ti-download", perm=None, order=90),
]
