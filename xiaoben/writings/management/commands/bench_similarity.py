"""Benchmark (not a test): checking one new writing against N stored signatures.

    manage.py bench_similarity --n 100000 --runs 50

Inside a transaction that is rolled back: stores the fingerprints of N texts (1,000 real
composed writings of one school, the rest of 200 other schools), then times
`textsim.check` for new texts — half light edits of stored ones, half unrelated — and
prints p50/p95/max and how many copies were found."""

from __future__ import annotations

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import transaction

from xiaoben.core import textsim
from xiaoben.core.html import html_to_text
from xiaoben.core.models import TextFingerprint
from xiaoben.org.models import School
from xiaoben.org.selectors import current_term

from ... import detection
from ...models import Writing
from ...seed import _Composer


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the copy check (复制比) of one new writing against N indexed texts."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100000)
        parser.add_argument("--runs", type=int, default=40)
        parser.add_argument("--real", type=int, default=1000, help="how many stored writings have real texts")

    def handle(self, *args, n, runs, real, **opts):
        school = School.objects.order_by("id").first()
        term = current_term(school.pk) if school else None
        author = school.teachers.filter(is_active=True).first() if school else None
        if not (school and term and author):
            self.stderr.write("需要先运行 seed_demo（至少一所有学期和教师的学校）。")
            return
        try:
            with transaction.atomic():
                self._run(school, term, author, n, runs, real)
                raise Rollback
        except Rollback:
            self.stdout.write("（基准数据已回滚）")

    def _run(self, school, term, author, n, runs, real):
        """N texts in the index: `real` composed ones in this school, the rest spread over 200
        other schools (random fingerprints at the same density): the district's pool problem."""
        rng = random.Random(7)
        comp = _Composer(rng)
        t0 = time.perf_counter()
        texts = [html_to_text(comp.reflection(author, term.start_date, 3)[3]) for _ in range(real)]
        rows = [
            Writing(
                school=school,
                term=term,
                author=author,
                kind="reflection",
                title=f"基准{i}",
                body=texts[i],
                written_on=term.start_date,
                status="submitted",
            )
            for i in range(real)
        ]
        Writing.objects.bulk_create(rows, batch_size=2000)
        prints = [
            TextFingerprint(kind=detection.KIND, object_id=w.pk, school_id=school.pk, hash=h)
            for w in rows
            for h in textsim.fingerprints(w.body)
        ]
        per_text = max(1, len(prints) // max(real, 1))
        hashes = [rng.randint(-(2**63), 2**63 - 1) for _ in range((n - real) * per_text)]
        for i in range(n - real):
            other_school = 10_000_000 + i % 200
            prints.extend(
                TextFingerprint(kind="bench.other", object_id=i, school_id=other_school, hash=int(h))
                for h in hashes[i * per_text : (i + 1) * per_text]
            )
            if len(prints) > 50000:
                TextFingerprint.objects.bulk_create(prints)
                prints = []
        TextFingerprint.objects.bulk_create(prints)
        self.stdout.write(f"已存入 {n} 篇文章的指纹（每篇约 {per_text} 个），用时 {time.perf_counter() - t0:.1f} 秒")
        pool = textsim.pool_for_school(school)
        timings, found = [], 0
        for run in range(runs):
            if run % 2 == 0:
                text = texts[rng.randrange(real)].replace("学生", "孩子", 2).replace("。", "，", 3)
            else:
                text = html_to_text(comp.insight(author)[3])
            t = time.perf_counter()
            report = textsim.check(text, pool)
            timings.append(time.perf_counter() - t)
            found += report.share >= detection.DEFAULT_THRESHOLD and run % 2 == 0
        ms = sorted(x * 1000 for x in timings)
        self.stdout.write(
            f"查重一篇新文章（索引中 {n} 篇）：p50 {statistics.median(ms):.1f} ms，p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms，"
            f"最长 {ms[-1]:.1f} ms；{(runs + 1) // 2} 篇改写稿中找出 {found} 篇"
        )
