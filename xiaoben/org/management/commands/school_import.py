from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xiaoben.core.scope import SYSTEM
from xiaoben.org.portability import school_import


class Command(BaseCommand):
    help = "载入另一实例导出的学校数据（新编号，引用关系保持；账号按手机号/用户名匹配，没有则创建）。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="school_export 或学校管理员下载的 .zip")
        parser.add_argument("--code", help="以新的学校代码载入（本实例已有同代码的学校时）")

    def handle(self, path, code=None, **opts):
        with open(path, "rb") as fh:
            data = fh.read()
        try:
            counts = school_import(data, actor=SYSTEM, code=code)
        except ValidationError as e:
            raise CommandError("；".join(e.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"已载入 {sum(counts.values())} 行（{len(counts)} 类记录）。"))
