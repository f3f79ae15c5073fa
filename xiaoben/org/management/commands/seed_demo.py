import datetime as dt
import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from xiaoben.core.seeding import DEMO_PASSWORD, SeedContext, seed_providers


class Command(BaseCommand):
    help = "载入演示数据：一个区、两个教研联盟、三所学校、约150名教师（已有数据时跳过，--reset 重建）。"

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="清空数据库后重建演示数据")
        parser.add_argument("--today", help="按指定日期生成（YYYY-MM-DD），默认今天")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, reset=False, today=None, seed=2026, **opts):
        from xiaoben.org import demo
        from xiaoben.org.models import School

        if getattr(settings, "PRODUCTION", False):
            # Demo accounts share one published password: never on a real deployment.
            raise CommandError("生产环境（PRODUCTION=1）不能载入演示数据：演示账号的密码是公开的。")
        if reset:
            call_command("flush", interactive=False, verbosity=0)
        elif School.objects.exists():
            self.stdout.write("演示数据已存在，跳过（RESET=1 make demo 可重建）。")
            return
        day = dt.date.fromisoformat(today) if today else timezone.localdate()
        ctx = SeedContext(today=day, rng=random.Random(seed))
        with transaction.atomic():
            demo.build(ctx)
            for label, fn in seed_providers():
                fn(ctx)
                self.stdout.write(f"  · {label}")
        n = sum(len(v) for v in ctx.teachers.values())
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成：{len(ctx.schools)} 所学校，{n} 名教师。所有演示账号密码：{DEMO_PASSWORD}"))
