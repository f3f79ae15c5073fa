"""Notice types of 研修活动."""

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
notification_type("activities.cancelled", label=_("研修活动取消"), text=_("研修活动已取消：%(title)s"))
notification_type("activities.cancelled_because", label=_("研修活动取消（附原因）"), text=_("研修活动已取消：%(title)s（%(reason)s）"))
notification_type("activities.invited", label=_("研修活动邀请"), text=_("邀请您参加研修活动：%(title)s"))
notification_type("activities.leave_requested", label=_("请假申请"), text=_("%(teacher)s 申请请假：%(title)s（%(reason)s）"))
notification_type("activities.leave_approved", label=_("请假已批准"), text=_("您的请假已批准：%(title)s"))
notification_type("activities.leave_refused", label=_("请假未获批准"), text=_("您的请假未获批准：%(title)s"))
notification_type(
    "activities.slot_scheduled",
    label=_("固定活动排定"),
    text=_("%(slot)s已排定：本学期共%(count)s次，首次%(first)s，地点%(place)s"),
)
