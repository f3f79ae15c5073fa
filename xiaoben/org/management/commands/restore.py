from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xiaoben.core.scope import SYSTEM
from xiaoben.org.portability import instance_restore


class Command(BaseCommand):
    help = "把 backup 生成的 .zip 恢复到一个空的、已 migrate 的数据库。"

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, path, **opts):
        try:
            result = instance_restore(path, actor=SYSTEM)
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已恢复 {result['rows']} 行、{result['files']} 个文件。"))
