"""Notice types of 师徒结对."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("mentoring.paired", label=_("师徒结对名单公布"), text=_("%(year)s师徒结对名单已公布，请查看结对协议和听课要求。"))
notification_type(
    "mentoring.report_overdue", label=_("师徒月报表未填"), text=_("师徒结对月报表（%(months)s）尚未填报，请师徒双方尽快填写。")
)
