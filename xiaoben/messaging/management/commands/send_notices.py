"""Run the scheduled notices, retries and digests once (for cron, where there is no Celery beat):

*/5 * * * *  cd /srv/xiaoben && .venv/bin/python manage.py send_notices
"""

from django.core.management.base import BaseCommand

from xiaoben.messaging.scheduled import producers, run_tick


class Command(BaseCommand):
    help = "发送定时提醒、重试失败的推送、发送汇总邮件（每 5 分钟运行一次）"

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", choices=sorted(producers()), help="只运行这些提醒")

    def handle(self, *args, only=None, **options):
        counts = run_tick(only=only)
        for name, n in counts.items():
            self.stdout.write(f"{name}: {n}")
