"""Notification types of the plans app (registered at import)."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("plans.submitted", label=_("计划提交审阅"), text=_("%(actor)s 提交了计划《%(title)s》，请审阅"))
notification_type("plans.approved", label=_("计划已批准"), text=_("%(actor)s 批准了计划《%(title)s》"))
notification_type("plans.returned", label=_("计划被退回"), text=_("%(actor)s 退回了计划《%(title)s》：%(reason)s"))
notification_type("plans.acknowledged", label=_("计划区里已阅"), text=_("%(actor)s 已阅学校计划《%(title)s》%(comment)s"))
notification_type("plans.read", label=_("个人计划已阅"), text=_("%(actor)s 已阅你的个人计划《%(title)s》%(comment)s"))
notification_type(
    "plans.scheduled", label=_("计划事项待排"), text=_("%(actor)s 按计划《%(title)s》为%(group)s生成了%(count)s个待完善的活动草稿")
)
