"""manage.py loadtest (make loadtest): N concurrent signed-in users against a running
server on 127.0.0.1 (make serve), for a bounded time. A mix like a school morning:
teachers on their home page, the lists and the observation form; 教研组长 and 校长 on the
compliance grid; an admin exporting. Reports requests/s, p50/p95/p99 and errors.
Accounts come from the gen_data set in DATABASE_URL (password as in the demo)."""

import http.client
import random
import re
import threading
import time
from urllib.parse import urlencode, urlparse

from django.core.management.base import BaseCommand, CommandError

from xiaoben.core.bench import percentile
from xiaoben.core.seeding import DEMO_PASSWORD

TEACHER_PAGES = [("/", 4), ("/writings/?tab=shared", 2), ("/observations/", 2), ("/observations/new/", 2), ("/activities/", 1)]
LEADER_PAGES = [("/requirements/grid/", 3), ("/", 1), ("/observations/?role=", 1)]
ADMIN_PAGES = [("/org/roster/export/", 1), ("/observations/?format=xlsx", 1), ("/requirements/grid/", 1)]


class Session:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=60)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": self.host}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}:{self.port}{path}"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
                if attempt:
                    raise
        for k, v in resp.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return resp.status, data

    def login(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/accounts/login/")
        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not m:
            raise RuntimeError(f"login page: HTTP {status}")
        body = urlencode({"csrfmiddlewaretoken": m.group(1).decode(), "username": username, "password": password})
        status, _ = self.request("POST", "/accounts/login/", body)
        if status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login of {username} failed: HTTP {status}")


class Command(BaseCommand):
    help = "并发负载测试：N 个已登录用户访问本机服务器，报告吞吐量、p50/p95/p99 与错误数。"

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--users", type=int, default=50)
        parser.add_argument("--seconds", type=int, default=60)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--think", default="1,3", help="每次点击之间的阅读时间（秒）：最小,最大")

    def handle(self, *args, url, users, seconds, seed, think, **opts):
        think_lo, think_hi = (float(x) for x in think.split(","))
        target = urlparse(url)
        if target.hostname not in ("127.0.0.1", "localhost"):
            raise CommandError("负载测试只对本机（127.0.0.1）运行")
        accounts = self._accounts(users)
        results: list[tuple[str, float, int]] = []
        errors: list[str] = []
        lock = threading.Lock()
        start_evt = threading.Event()
        t_start = [0.0]

        def sign_in(username: str) -> Session | None:
            s = Session(target.hostname, target.port or 80)
            try:
                s.login(username, DEMO_PASSWORD)
            except Exception as e:
                with lock:
                    errors.append(f"login {username}: {e}")
                return None
            return s

        def worker(i: int, s: Session, pages):
            rng = random.Random(f"{seed}:{i}")
            start_evt.wait()
            paths, weights = zip(*pages, strict=True)
            while time.monotonic() < t_start[0] + seconds:
                path = rng.choices(paths, weights)[0]
                t0 = time.perf_counter()
                try:
                    status, _ = s.request("GET", path)
                except Exception as e:
                    status = 599
                    with lock:
                        errors.append(f"{path}: {e}")
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    results.append((path, ms, status))
                time.sleep(rng.uniform(think_lo, think_hi))  # a person reads before the next click

        # Sign everyone in first, two at a time: password hashing is deliberately slow, and a
        # login storm is not what this measures (steady use by people already signed in).
        self.stdout.write(f"{len(accounts)} 个用户登录中…")
        sessions: list = [None] * len(accounts)

        def sign_in_range(k: int):
            for j in range(k, len(accounts), 2):
                sessions[j] = sign_in(accounts[j][0])

        pool = [threading.Thread(target=sign_in_range, args=(k,)) for k in range(2)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
        threads = [
            threading.Thread(target=worker, args=(i, s, p), daemon=True)
            for i, (s, (_, p)) in enumerate(zip(sessions, accounts, strict=True))
            if s is not None
        ]
        for t in threads:
            t.start()
        t_start[0] = time.monotonic()
        start_evt.set()
        for t in threads:
            t.join(timeout=seconds + 60)
        elapsed = time.monotonic() - t_start[0]
        times = [ms for _, ms, _ in results]
        bad = [r for r in results if r[2] >= 400]
        self.stdout.write(f"用户 {len(threads)}，时长 {elapsed:.0f} s，请求 {len(results)}，{len(results) / max(elapsed, 1):.1f} req/s")
        self.stdout.write(
            f"p50 {percentile(times, 0.5):.0f} ms  p95 {percentile(times, 0.95):.0f} ms  p99 {percentile(times, 0.99):.0f} ms  "
            f"错误 {len(bad) + len(errors)}"
        )
        by_path: dict[str, list[float]] = {}
        for path, ms, _ in results:
            by_path.setdefault(path, []).append(ms)
        for path, v in sorted(by_path.items()):
            self.stdout.write(f"  {path:<32} n={len(v):<5} p50 {percentile(v, 0.5):.0f} ms  p95 {percentile(v, 0.95):.0f} ms")
        for e in (errors + [f"{p}: HTTP {s}" for p, _, s in bad])[:10]:
            self.stdout.write(f"  ✗ {e}")

    def _accounts(self, n: int):
        from xiaoben.org.models import GroupMembership, RoleAssignment, Teacher

        leaders = list(
            GroupMembership.objects.filter(role="leader", group__kind="subject")
            .order_by("group_id")
            .values_list("teacher__user__username", flat=True)[: max(1, n // 10)]
        )
        admins = list(RoleAssignment.objects.filter(role="school_admin").order_by("id").values_list("user__username", flat=True)[:1])
        principals = list(RoleAssignment.objects.filter(role="principal").order_by("id").values_list("user__username", flat=True)[:2])
        teachers = list(
            Teacher.objects.filter(is_active=True, staff_no__gte="0010")
            .order_by("school_id", "staff_no")
            .values_list("user__username", flat=True)[: n * 3]
        )
        if not teachers:
            raise CommandError("没有生成的数据：先运行 manage.py gen_data")
        teachers = teachers[::3][: n - len(leaders) - len(admins) - len(principals)]
        return (
            [(u, TEACHER_PAGES) for u in teachers] + [(u, LEADER_PAGES) for u in leaders + principals] + [(u, ADMIN_PAGES) for u in admins]
        )
