from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("region.visit_reported", label=_("视导报告"), text=_("%(actor)s 发布了对本校的视导报告《%(title)s》"))
notification_type("region.lesson_observed", label=_("教研员听课"), text=_("%(actor)s 在视导中听了您的课《%(title)s》"))
notification_type("region.visit_answered", label=_("整改反馈"), text=_("%(school)s 提交了视导《%(title)s》的整改反馈"))
notification_type("region.visit_closed", label=_("视导关闭"), text=_("视导《%(title)s》已关闭"))
