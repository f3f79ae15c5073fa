"""Remind the 主持人 of projects whose stage deadline has passed (run daily by cron/beat)."""

from django.core.management.base import BaseCommand

from xiaoben.research.services import projects_remind_overdue


class Command(BaseCommand):
    help = "提醒课题主持人：阶段已逾期的课题（每个课题每周最多一次）"

    def handle(self, *args, **options):
        n = projects_remind_overdue()
        self.stdout.write(f"已提醒 {n} 个逾期课题的主持人。")
