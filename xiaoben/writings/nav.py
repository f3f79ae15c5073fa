from xiaoben.core.nav import NavItem

ITEMS = [
    NavItem("研修文章", "writings:list", icon="ti-notebook", perm="writings:write", order=40),
    NavItem("读书", "writings:shelf", icon="ti-books", perm="writings:write", order=41, audience=("teacher",)),
]
