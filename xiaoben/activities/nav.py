from xiaoben.core.nav import NavItem

_STAFF = ("teacher", "school_admin", "platform")

ITEMS = [
    NavItem("研修活动", "activities:list", icon="ti-calendar-event", perm="school:read_public", order=20, audience=_STAFF),
    # 教研员: the region's activities (区域/联片 and its schools', through the door)
    NavItem("研修活动", "activities:list", icon="ti-calendar-event", perm="region:read", order=20, audience=("region",)),
    NavItem("集体备课", "activities:prep_list", icon="ti-file-text", perm="school:read_public", order=21, audience=_STAFF),
    NavItem("外出学习汇报", "activities:outside_reports", icon="ti-plane-departure", perm="school:read", order=60, section="进度与考核"),
]
