"""Notice types of 听课评课."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "observations.submitted",
    label=_("收到评课意见"),
    text=_("%(observer)s 听了您的《%(lesson)s》（%(date)s），评课意见已送达。"),
)
notification_type(
    "observations.feedback_flagged",
    label=_("评课意见雷同"),
    text=_("%(observer)s 的听课记录《%(lesson)s》评课意见与其他记录高度相似（%(share)s），请核查。"),
)
