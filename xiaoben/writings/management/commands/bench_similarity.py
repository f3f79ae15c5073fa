"""Benchmark (not a test): checking one new writing against N stored signatures.

    manage.py bench_similarity --n 100000 --runs 50

Inside a transaction that is rolled back: stores N submitted writings of one school
(1,000 with real composed texts, the rest with random signatures), their LSH band
rows, then times `detection.find_closest` for new texts — half of them light edits
of stored ones, half unrelated — and prints p50/p95/max."""

from __future__ import annotations

import random
import statistics
import time

import numpy as np
from django.core.management.base import BaseCommand
from django.db import transaction

from xiaoben.core.html import html_to_text
from xiaoben.org.models import School
from xiaoben.org.selectors import current_term

from ... import detection
from ... import similarity as sim
from ...models import Writing, WritingBand
from ...seed import _Composer


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time checking one new writing against N stored MinHash signatures (LSH band table)."

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
        rng = random.Random(7)
        comp = _Composer(rng)
        t0 = time.perf_counter()
        texts = [comp.reflection(author, term.start_date, 3)[3] for _ in range(real)]
        rand = np.random.default_rng(7).integers(0, 2**32, size=(n - real, sim.NUM_PERM), dtype=np.uint32)
        rows, sigs = [], []
        for i in range(n):
            if i < real:
                hv = sim.minhash(html_to_text(texts[i])).hashvalues
                body = texts[i]
            else:
                hv, body = rand[i - real], ""
            sigs.append(hv)
            rows.append(
                Writing(
                    school=school,
                    term=term,
                    author=author,
                    kind="reflection",
                    title=f"基准{i}",
                    body=body,
                    written_on=term.start_date,
                    status="submitted",
                    signature=np.asarray(hv, dtype="<u4").tobytes(),
                )
            )
        Writing.objects.bulk_create(rows, batch_size=2000)
        bands = (
            WritingBand(writing_id=w.pk, school_id=school.pk, band=b, key=k)
            for w, hv in zip(rows, sigs, strict=True)
            for b, k in sim.band_keys(hv)
        )
        batch = []
        for band in bands:
            batch.append(band)
            if len(batch) >= 20000:
                WritingBand.objects.bulk_create(batch)
                batch = []
        WritingBand.objects.bulk_create(batch)
        self.stdout.write(f"已存入 {n} 篇文章的签名和 {n * sim.BANDS} 行分段索引，用时 {time.perf_counter() - t0:.1f} 秒")
        probe = Writing(school=school, term=term, author=author, kind="reflection", title="新文章", written_on=term.start_date)
        probe.pk = -1
        timings, hash_times, found = [], [], 0
        for run in range(runs):
            if run % 2 == 0:
                base = texts[rng.randrange(real)]
                text = html_to_text(base).replace("学生", "孩子", 2).replace("。", "，", 3)
            else:
                text = html_to_text(comp.insight(author)[3])
            t = time.perf_counter()
            sim.minhash(text)
            hash_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            match = detection.find_closest(writing=probe, text=text)
            timings.append(time.perf_counter() - t)
            found += bool(match and match.similarity >= 0.8)
        ms = sorted(x * 1000 for x in timings)
        self.stdout.write(
            f"查重一篇新文章（对比 {n} 篇）：p50 {statistics.median(ms):.1f} ms，p95 {ms[int(len(ms) * 0.95) - 1]:.1f} ms，"
            f"最长 {ms[-1]:.1f} ms；其中计算 MinHash 平均 {statistics.mean(hash_times) * 1000:.1f} ms；"
            f"{runs} 次中找出近似副本 {found} 次（应为 {(runs + 1) // 2}）"
        )
