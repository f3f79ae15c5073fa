from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("工作总结", "reports:summary", icon="ti-report", perm="reports:export", order=88, audience=("school_admin",)),
    NavItem("教研组总结", "reports:summary", icon="ti-report", perm="group:read", order=88, audience=("group_leader",)),
    NavItem("学期归档", "reports:terms", icon="ti-archive", perm="reports:export", order=89, audience=("school_admin",)),
    NavItem("成长档案袋", "reports:portfolio", icon="ti-folder", perm="self:read", order=87, audience=("teacher",)),
    NavItem("文档模板", "reports:templates", icon="ti-template", perm="reports:export", order=89, audience=("school_admin",)),
    NavItem("导出", "reports:exports", icon="ti-download", perm=None, order=90),
]
