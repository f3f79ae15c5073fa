"""Recompute the kept metric values (requirements/kept.py): the stale ones, or all with --force
(nightly: repairs any write that bypassed the model signals and core.changes)."""

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "重算保存的教师统计数（过期的；--force 全部），并清理已过去的统计区间"

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, force=False, **options):
        from xiaoben.requirements.kept import refresh

        n = refresh(force=force)
        self.stdout.write(f"已重算 {n} 组统计数。")
