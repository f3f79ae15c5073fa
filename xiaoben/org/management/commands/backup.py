from django.core.management.base import BaseCommand

from xiaoben.core.scope import SYSTEM
from xiaoben.org.portability import instance_backup


class Command(BaseCommand):
    help = "备份整个实例：所有表的所有行（JSON，与数据库无关）和上传的文件，打包为一个 .zip。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="输出文件，如 xiaoben-2026-11-18.zip")

    def handle(self, path, **opts):
        result = instance_backup(path, actor=SYSTEM)
        self.stdout.write(self.style.SUCCESS(f"已备份 {result['rows']} 行、{result['files']} 个文件到 {path}"))
