from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

STATUS_CSS = {
    "planned": "bg-secondary-lt",
    "published": "bg-blue-lt",
    "held": "bg-azure-lt",
    "recorded": "bg-green-lt",
    "archived": "bg-dark-lt",
    "cancelled": "bg-red-lt",
    "invited": "bg-secondary-lt",
    "present": "bg-green-lt",
    "leave": "bg-yellow-lt",
    "absent": "bg-red-lt",
}
WEEKDAYS = "一二三四五六日"


@register.filter
def status_badge(obj):
    """<span class="badge …">已发布</span> for an activity or an attendance."""
    return format_html('<span class="badge {}">{}</span>', STATUS_CSS.get(obj.status, "bg-secondary-lt"), obj.get_status_display())


@register.filter
def when(activity):
    """11月20日 周五 15:15–15:55"""
    if not activity.starts_at:
        return "时间未定"
    s = timezone.localtime(activity.starts_at)
    text = f"{s.month}月{s.day}日 周{WEEKDAYS[s.weekday()]} {s:%H:%M}"
    if activity.ends_at:
        text += f"–{timezone.localtime(activity.ends_at):%H:%M}"
    return text


@register.filter
def hm(value):
    return f"{timezone.localtime(value):%H:%M}" if value else ""


@register.filter
def week_no(activity, term):
    """第N周 of the activity within `term`."""
    if not activity.starts_at or term is None:
        return ""
    return term.week_of(timezone.localtime(activity.starts_at).date())
