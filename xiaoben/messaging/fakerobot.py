"""A local fake of the 企业微信/钉钉 robot servers, for tests and for trying robots by hand:

    .venv/bin/python manage.py fake_robot 8765 [--secret SEC...]

then register a robot with the address http://127.0.0.1:8765/cgi-bin/webhook/send?key=demo
(the demo must allow it: ROBOT_EXTRA_URL_PREFIXES=http://127.0.0.1:8765/). It listens on
127.0.0.1 only, records every POST and answers like the real servers: {"errcode": 0, "errmsg":
"ok"}, or the errcode set in `answers` (a queue: one answer per request, then ok; 500 means an
HTTP 500). With `secret`, a 钉钉 post whose 加签 does not match is answered 310000. An address
whose key is `err<code>` (…/send?key=err93000) always answers that errcode, to see how a
failing robot is reported."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse


def dingtalk_sign_ok(query: dict, secret: str) -> bool:
    """The check 钉钉 makes: sign == base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}"))."""
    ts, sign = query.get("timestamp", ""), query.get("sign", "")
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    return bool(ts) and hmac.compare_digest(sign, expected)


class FakeRobot:
    def __init__(self, port: int = 0, echo: bool = False, secret: str = "", on_request: Callable[[dict], None] | None = None) -> None:
        self.requests: list[dict] = []
        self.answers: list[int] = []  # errcodes to answer next; 500 means an HTTP 500
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length).decode()
                parsed = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
                try:
                    data = json.loads(body)
                except ValueError:
                    data = {"unreadable": body[:200]}
                record = {"path": parsed.path, "query": query, "json": data}
                owner.requests.append(record)
                code = owner.answers.pop(0) if owner.answers else 0
                token = query.get("key") or query.get("access_token") or ""
                if code == 0 and token.startswith("err") and token[3:].isdigit():
                    code = int(token[3:])  # ?key=err93000: answer like a robot with that error
                if code == 0 and secret and "sign" in query and not dingtalk_sign_ok(query, secret):
                    code = 310000
                record["answered"] = code
                if on_request is not None:
                    on_request(record)
                elif echo:
                    print(json.dumps(record, ensure_ascii=False), flush=True)
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
