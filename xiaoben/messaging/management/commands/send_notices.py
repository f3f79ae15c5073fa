"""Run the scheduled notices, retries and digests once (for cron, where there is no Celery beat):

*/5 * * * *  cd /srv/xiaoben && .venv/bin/python manage.py send_notices

`--at "2026-11-18 18:30"` runs the tick as if it were that local time (to try the evening
reminders or the morning digest by hand in the demo).
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from xiaoben.messaging.scheduled import producers, run_tick


class Command(BaseCommand):
    help = "发送定时提醒、重试失败的推送、发送汇总邮件（每 5 分钟运行一次）"

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=sorted(producers()), help="只运行这些提醒")
        parser.add_argument("--at", help="按这个本地时间运行（试用时用），如 2026-11-18 18:30")

    def handle(self, *args, only=None, at=None, **options):
        now = None
        if at:
            try:
                now = timezone.make_aware(dt.datetime.strptime(at, "%Y-%m-%d %H:%M"))
            except ValueError:
                raise CommandError("--at 的格式是 YYYY-MM-DD HH:MM，例如 2026-11-18 18:30") from None
        counts = run_tick(now=now, only=only)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
