from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem(
        "师徒结对",
        "mentoring:list",
        icon="ti-heart-handshake",
        perm="school:read_public",
        order=45,
        audience=("teacher", "school_admin", "platform"),
    ),
]
