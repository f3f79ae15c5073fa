"""manage.py gen_data --scale school|district|province [--schools N] [--seed S]"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from xiaoben.core import gendata


class Command(BaseCommand):
    help = "生成大规模测试数据（确定性、批量写入），写完后 ANALYZE。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(gendata.SCALES), default="district")
        parser.add_argument("--schools", type=int, help="学校数（覆盖 --scale）")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, scale, schools, seed, **opts):
        n = schools or gendata.SCALES[scale]
        if n < 1:
            raise CommandError("--schools 至少为 1")
        if scale == "province" and not schools and connection.vendor != "postgresql":
            raise CommandError("省级规模只在 PostgreSQL 上生成（设置 DATABASE_URL）")
        from xiaoben.org.models import Region

        if Region.objects.filter(code=gendata.marker_code(n, seed)).exists():
            self.stdout.write(f"已有 {n} 所学校（seed {seed}）的数据集，跳过生成。")
            return
        self.stdout.write(f"生成 {n} 所学校（seed {seed}，{connection.vendor}）…")
        t0 = time.perf_counter()
        with transaction.atomic():
            ctx = gendata.generate(n_schools=n, seed=seed, scale=scale, log=self.stdout.write)
        t1 = time.perf_counter()
        gendata.analyze()
        total = sum(ctx.writer.counts.values())
        self.stdout.write(f"完成：{total:,} 行，写入 {t1 - t0:.1f} s，ANALYZE {time.perf_counter() - t1:.1f} s")
