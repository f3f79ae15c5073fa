"""Notice types of the reports app."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "reports.export_ready",
    label=_("导出文件已生成"),
    text=_("%(name)s已生成，可以下载了。"),
    default_channels=("app",),
)
notification_type(
    "reports.summary_ready",
    label=_("工作总结/学期归档已生成（群消息）"),
    text=_("%(school)s的%(name)s已生成。"),
    default_channels=(),  # a group post only: no person receives it
    robot_text=_("#### %(school)s%(name)s已生成\n请各位老师核对其中与自己有关的数字，有误请联系教导处。"),
)
