"""manage.py bench_run: time every registered figure on the data set DATABASE_URL holds
(made by gen_data); prints the table, optionally writes JSON for `manage.py bench`."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from xiaoben.core import bench
from xiaoben.org.bench import generated_env


class Command(BaseCommand):
    help = "在当前数据库上测量各项页面耗时与 SQL 下限。"

    def add_arguments(self, parser):
        parser.add_argument("--repeat", type=int, default=15)
        parser.add_argument("--only", default="", help="逗号分隔的 figure key")
        parser.add_argument("--json", default="")

    def handle(self, *args, repeat, only, json: str, **opts):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        env = generated_env()
        self.stdout.write(f"数据库：{connection.vendor}；学校 {env.school.code}；每项 {repeat} 次")
        self.stdout.write(bench.HEADER)
        results = bench.run_figures(env, keys=[k for k in only.split(",") if k] or None, repeat=repeat, log=self.stdout.write)
        if json:
            with open(json, "w") as f:
                __import__("json").dump([r.as_dict() for r in results], f, ensure_ascii=False)
