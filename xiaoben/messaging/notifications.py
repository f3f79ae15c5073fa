"""Notice types of the scheduled reminders and of the channels themselves."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "messaging.robot_failed",
    label=_("群机器人发送失败"),
    text=_("群机器人“%(name)s”发送失败：%(reason)s"),
    default_channels=("app", "email"),
)
notification_type(
    "activities.tomorrow",
    label=_("明日活动提醒"),
    text=_("研修活动提醒：%(when)s 在%(place)s：%(title)s"),  # dated: a digest may be read the next morning
    default_channels=("app",),
)
notification_type(
    "activities.tomorrow_list",
    label=_("明日活动（群消息）"),
    text=_("明天的研修活动：%(lines)s"),
    default_channels=(),  # a group post only: no person receives it
    robot_text=_("#### 明天的研修活动\n%(lines)s"),
)
notification_type(
    "activities.starting_soon",
    label=_("活动即将开始（主持人）"),
    text=_("%(when)s 的活动“%(title)s”即将开始，请打开签到二维码。"),
    default_channels=("app", "email"),
)
notification_type(
    "hours.claims_waiting",
    label=_("待审学时申报（每日提醒）"),
    text=_("有 %(count)s 条学时申报等待你审核。"),
    default_channels=("app", "email"),
)
notification_type(
    "mentoring.report_due",
    label=_("师徒月报表待填写"),
    text=_("师徒结对月报表（%(months)s）尚未填报，请尽快填写。"),
    default_channels=("app",),
)
notification_type(
    "requirements.weekly_behind",
    label=_("每周组员进度（组长）"),
    text=_("%(group)s本周有 %(count)s 位组员落后：%(names)s"),
    default_channels=("app", "email"),
    robot_text=_("#### %(group)s 本周研修进度\n落后 %(count)s 人：%(robot_names)s\n> 请组员抓紧完成本周还能完成的任务。"),
)
