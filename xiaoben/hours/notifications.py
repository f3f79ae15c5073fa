"""Notice types of 学时 claims."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "hours.claim_review", label=_("学时申报待审核"), text=_("%(teacher)s 的学时申报「%(title)s」（%(hours)s学时）等待%(step)s。")
)
notification_type("hours.claim_passed", label=_("学时申报通过一步"), text=_("您的学时申报「%(title)s」已通过%(step)s，等待%(next)s。"))
notification_type(
    "hours.claim_approved", label=_("学时申报通过"), text=_("您的学时申报「%(title)s」已通过%(step)s，%(hours)s学时已计入学时档案。")
)
notification_type("hours.claim_rejected", label=_("学时申报退回"), text=_("您的学时申报「%(title)s」在%(step)s被退回：%(reason)s"))
