from django.core.management.base import BaseCommand, CommandError

from xiaoben.core.scope import SYSTEM
from xiaoben.org.models import School
from xiaoben.org.portability import school_archive


class Command(BaseCommand):
    help = "导出一所学校的全部数据（记录及其修改历史、文件、可读的 Excel 表），用于迁移或离开本平台。"

    def add_arguments(self, parser):
        parser.add_argument("code", help="学校代码")
        parser.add_argument("path", help="输出 .zip")

    def handle(self, code, path, **opts):
        school = School.objects.filter(code=code).first()
        if school is None:
            raise CommandError(f"没有学校代码为 {code} 的学校。")
        with open(path, "wb") as fh:
            fh.write(school_archive(actor=SYSTEM, school=school))
        self.stdout.write(self.style.SUCCESS(f"已导出 {school.name} 到 {path}"))
