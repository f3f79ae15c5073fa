from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("考核", "assessment:index", icon="ti-clipboard-check", order=70, audience=("teacher", "school_admin")),
]
