"""Notification types of 课题与成果 (rendered at display time)."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("research.achievement_submitted", label=_("成果待认定"), text=_("%(actor)s 提交了成果《%(title)s》，请审核证明材料"))
notification_type("research.achievement_verified", label=_("成果已认定"), text=_("你的成果《%(title)s》已认定（%(award)s）"))
notification_type("research.achievement_returned", label=_("成果被退回"), text=_("你的成果《%(title)s》被退回：%(reason)s"))
notification_type("research.stage_ready", label=_("课题材料已齐"), text=_("课题《%(title)s》的%(stage)s材料已齐，请确认"))
notification_type("research.stage_moved", label=_("课题阶段变更"), text=_("课题《%(title)s》已进入%(stage)s阶段"))
notification_type(
    "research.stage_overdue", label=_("课题阶段逾期"), text=_("课题《%(title)s》的%(stage)s已逾期（截止 %(due)s），请尽快上传材料")
)
