"""Notice types of activities (the rest still go through `notification_send`; see docs)."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "activities.published",
    label=_("研修活动发布"),
    text=_("研修活动：%(title)s，%(when)s，%(place)s"),
    default_channels=("app",),
    # the 四定, as a group chat reads it
    robot_text=_(
        "#### 研修活动：%(title)s\n- 时间：%(when)s\n- 地点：%(place)s\n- 主持人：%(host)s\n- 中心发言人：%(speaker)s\n- 记录人：%(recorder)s"
    ),
)
