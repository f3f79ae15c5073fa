"""{{ day|day_off:school_id }} → a 休息日 badge when a record falls on a day off in the
school calendar (allowed, but marked)."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html

from xiaoben.org.calendar import SchoolCalendar

register = template.Library()


@register.filter
def day_off(day, school_id):
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date()
    name = SchoolCalendar(school_id, day, day).day_off_name(day)
    if not name:
        return ""
    return format_html('<span class="badge bg-orange-lt" data-testid="day-off" title="{}">{}·{}</span>', "休息日的记录", "休息日", name)
