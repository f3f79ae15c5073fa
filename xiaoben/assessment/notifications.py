"""Notice types of 考核."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("assessment.opened", label=_("考核开始"), text=_("%(term)s「%(scheme)s」已开始，请查看计分并完成自评。"))
notification_type("assessment.returned", label=_("考核表退回"), text=_("您的考核表「%(scheme)s」被退回重新自评：%(reason)s"))
notification_type("assessment.confirmed", label=_("考核结果确认"), text=_("您的「%(scheme)s」考核结果已确认，总分 %(total)s。"))
notification_type("assessment.confirmed_all", label=_("考核结果确认（批量）"), text=_("您的「%(scheme)s」考核结果已确认，请查看。"))
