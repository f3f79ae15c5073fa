from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("研修文章", "writings:list", icon="ti-notebook", perm="writings:write", order=40),
    NavItem("研修文章", "writings:list", icon="ti-notebook", perm="region:read", order=40, audience=("region",)),  # 区域共享
    NavItem("读书", "writings:shelf", icon="ti-books", perm="writings:write", order=41, audience=("teacher",)),
    NavItem("参考文本库", "writings:library", icon="ti-file-search", perm="region:read", order=48, audience=("region",)),
]
