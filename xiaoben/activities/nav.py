from xiaoben.core.nav import NavItem

_STAFF = ("teacher", "school_admin", "platform")

ITEMS = [
    NavItem("研修活动", "activities:list", icon="ti-calendar-event", perm="school:read_public", order=20, audience=_STAFF),
    NavItem("集体备课", "activities:prep_list", icon="ti-file-text", perm="school:read_public", order=21, audience=_STAFF),
    NavItem("外出学习汇报", "activities:outside_reports", icon="ti-plane-departure", perm="school:read", order=60, section="进度与考核"),
]
