from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem(
        "研修活动",
        "activities:list",
        icon="ti-calendar-event",
        perm="school:read_public",
        order=20,
        audience=("teacher", "school_admin", "platform"),
    ),
    NavItem(
        "集体备课",
        "activities:prep_list",
        icon="ti-file-text",
        perm="school:read_public",
        order=21,
        audience=("teacher", "school_admin", "platform"),
    ),
]
