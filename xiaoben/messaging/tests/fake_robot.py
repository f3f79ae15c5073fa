"""A local fake of the 企业微信/钉钉 robot servers for tests and for trying robots by hand:

    python -m xiaoben.messaging.tests.fake_robot 8765     # then use http://127.0.0.1:8765/robot/send?key=x

It records every POST and answers like the real servers: {"errcode": 0, "errmsg": "ok"},
or the errcode set in `answers` (a queue: one answer per request, then ok)."""

from __future__ import annotations

import contextlib
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


class FakeRobot:
    def __init__(self, port: int = 0, echo: bool = False) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []  # errcodes to answer next; 500 means an HTTP 500
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                parsed = urlparse(self.path)
                owner.requests.append(
                    {"path": parsed.path, "query": {k: v[0] for k, v in parse_qs(parsed.query).items()}, "json": json.loads(body)}
                )
                if echo:
                    print(json.dumps(owner.requests[-1], ensure_ascii=False), flush=True)
                code = owner.answers.pop(0) if owner.answers else 0
                if code == 500:
                    self.send_response(500)
                    self.end_headers()
                    return
                payload = json.dumps({"errcode": code, "errmsg": "ok" if code == 0 else "error"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeRobot:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


if __name__ == "__main__":
    fake = FakeRobot(port=int(sys.argv[1]) if len(sys.argv) > 1 else 8765, echo=True)
    print(f"fake robot on {fake.base}/ — every POST is printed (Ctrl-C to stop)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        fake.server.serve_forever()
