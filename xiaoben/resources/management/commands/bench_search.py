"""Time the search service on the database in use (the district demo or a real one):
p50/p95 per persona over a fixed set of Chinese queries, and the number of SQL queries."""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xiaoben.core.scope import reset_scope, scope_for
from xiaoben.resources import search
from xiaoben.resources.models import SearchEntry

QUERIES = ["分数的初步认识", "有理数 单元检测", "集体备课", "教学反思 课堂", "朗读指导", "数学 作业设计 分层", "核心素养", "秋天的雨"]


class Command(BaseCommand):
    help = "全文检索耗时（p50/p95）与查询次数。"

    def add_arguments(self, parser):
        parser.add_argument("--users", nargs="*", default=["jyy", "NH-SYXX-X009", "NH-DEZX-C010"])
        parser.add_argument("--runs", type=int, default=3)

    def handle(self, *args, users, runs, **opts):
        self.stdout.write(f"{connection.vendor}: {SearchEntry.objects.count()} entries")
        User = get_user_model()
        for username in users:
            user = User.objects.filter(username=username).first()
            if user is None:
                continue
            reset_scope(user)
            scope = scope_for(user)
            search.search(scope, "分数")  # warm caches
            times, counts = [], set()
            for _ in range(runs):
                for q in QUERIES:
                    with CaptureQueriesContext(connection) as ctx:
                        t = time.perf_counter()
                        search.search(scope, q)
                        times.append((time.perf_counter() - t) * 1000)
                    counts.add(len(ctx.captured_queries))
            times.sort()
            p95 = times[max(0, int(len(times) * 0.95) - 1)]
            self.stdout.write(f"{username}: p50 {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, queries {sorted(counts)}")
