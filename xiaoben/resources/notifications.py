from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type("resources.share_requested", label=_("资源共享待审批"), text=_("%(actor)s 申请将资源《%(title)s》共享到%(scope)s"))
notification_type("resources.share_decided", label=_("资源共享审批结果"), text=_("资源《%(title)s》共享到%(scope)s：%(result)s"))
notification_type("resources.showcase_nominated", label=_("晒课推荐"), text=_("%(school)s 推荐了《%(title)s》参加%(round)s"))
notification_type("resources.showcase_published", label=_("晒课结果公布"), text=_("%(round)s结果已公布：《%(title)s》获%(level)s"))
