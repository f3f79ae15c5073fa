"""Notice types of 研修文章."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("writings.reviewed", label=_("文章已审阅"), text=_("您的《%(title)s》已审阅。%(comment)s"))
notification_type("writings.reviewed_excellent", label=_("文章被评为优秀"), text=_("您的《%(title)s》已审阅，被评为优秀。%(comment)s"))
notification_type(
    "writings.copy_cleared", label=_("查重审核：原创"), text=_("您的《%(title)s》查重审核结果：已核实为原创，计入统计。%(note)s")
)
notification_type("writings.copy_returned", label=_("查重审核：退回重写"), text=_("您的《%(title)s》查重审核结果：退回重写。%(note)s"))
notification_type(
    "writings.copy_confirmed", label=_("查重审核：确认抄袭"), text=_("您的《%(title)s》查重审核结果：确认抄袭，不计入统计。%(note)s")
)
