from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("资源库", "resources:list", icon="ti-folders", order=45, section="研修"),
    NavItem("搜索", "resources:search", icon="ti-search", order=46, section="研修"),
    NavItem("晒课", "resources:rounds", icon="ti-award", order=47, section="研修"),
]
