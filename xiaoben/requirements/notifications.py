"""Notification types of the requirements app."""

from django.utils.translation import gettext_lazy as _

from xiaoben.core.notifications import notification_type

notification_type(
    "requirements.reminder",
    label=_("量化要求提醒"),
    text=_("量化要求提醒：%(items)s。"),
)
