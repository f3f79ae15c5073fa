from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("群机器人", "messaging:robots", icon="ti-robot", perm="school:manage", order=95, audience=("school_admin",)),
]
