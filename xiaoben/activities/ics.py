"""A teacher's activities as an iCalendar (.ics) feed for phone calendars."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import Activity, ActivityStatus, Attendance, AttendanceStatus

FEED_DAYS_BACK = 60


def _esc(text: str) -> str:
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _utc(when: dt.datetime) -> str:
    return when.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _fold(line: str) -> list[str]:
    """RFC 5545: lines longer than 75 octets are folded."""
    out, buf = [], b""
    for ch in line:
        b = ch.encode()
        if len(buf) + len(b) > 73:
            out.append(buf.decode())
            buf = b" "
        buf += b
    out.append(buf.decode())
    return out


def teacher_calendar(teacher, host: str = "xiaoben") -> str:
    since = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    rows = (
        Activity.objects.filter(attendances__teacher=teacher, starts_at__gte=since)
        .exclude(pk__in=Attendance.objects.filter(teacher=teacher, status=AttendanceStatus.LEAVE).values("activity_id"))
        .exclude(status=ActivityStatus.PLANNED)
        .select_related("host")
        .order_by("starts_at")
        .distinct()[:500]
    )
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Xiaoben//校本研修//ZH", "CALSCALE:GREGORIAN", "X-WR-CALNAME:校本研修活动"]
    stamp = _utc(timezone.now())
    for a in rows:
        end = a.ends_at or a.starts_at + dt.timedelta(minutes=90)
        desc = f"{a.get_kind_display()}；主持人：{a.host.name if a.host else '未定'}"
        lines += [
            "BEGIN:VEVENT",
            f"UID:activity-{a.pk}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(a.starts_at)}",
            f"DTEND:{_utc(end)}",
            f"SUMMARY:{_esc(a.title)}",
            f"LOCATION:{_esc(a.place)}",
            f"DESCRIPTION:{_esc(desc)}",
            f"STATUS:{'CANCELLED' if a.status == ActivityStatus.CANCELLED else 'CONFIRMED'}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(folded for line in lines for folded in _fold(line)) + "\r\n"
