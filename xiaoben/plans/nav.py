from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem(
        "研修计划",
        "plans:list",
        icon="ti-list-check",
        perm="school:read_public",
        order=15,
        audience=("teacher", "school_admin", "platform"),
        section="研修",
    ),
    NavItem("研修计划", "plans:list", icon="ti-list-check", order=15, audience=("region",), section="研修"),
]
