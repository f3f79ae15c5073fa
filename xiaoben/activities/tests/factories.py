"""Activities made through the services, the way a 教研组长 makes them."""

import datetime as dt

from django.utils import timezone

from xiaoben.activities import services
from xiaoben.core.scope import scope_for

TZ = timezone.get_fixed_timezone(480)


def at(day: dt.date, hh: int = 15, mm: int = 15) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=TZ)


def make_activity(world, *, start=None, minutes=40, publish=True, group=None, **fields):
    start = start or dt.datetime(2026, 11, 18, 10, 0, tzinfo=TZ)
    data = {
        "kind": "seminar",
        "title": "“生本课堂”教学理论讲座",
        "starts_at": start,
        "ends_at": start + dt.timedelta(minutes=minutes),
        "place": "电教室",
        "host": world.leader,
        "recorder": world.mentor,
    }
    data.update(fields)
    activity = services.activity_create(
        actor=scope_for(world.users["leader"]), school=world.school, term=world.term, group=group or world.chinese, **data
    )
    if publish:
        services.activity_publish(activity=activity, actor=scope_for(world.users["leader"]))
    return activity
