"""Talking to group robots: 企业微信 群机器人 and 钉钉 自定义机器人 (with 加签).

Both take a JSON POST with a markdown message and answer `{"errcode": 0, ...}`.
Nothing here logs a URL or a secret: errors carry the robot's answer only."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

TIMEOUT = 5  # seconds: a robot that hangs must not hold a worker

# What the robots' error codes mean, for the admin who set the robot up.
ERRORS = {
    93000: "企业微信：Webhook 地址无效（key 错误或机器人已被移出群聊）。",
    45009: "企业微信：发送太频繁，超过了每分钟 20 条的限制。",
    40008: "企业微信：消息格式不被接受。",
    310000: "钉钉：消息未通过安全设置（自定义关键词不匹配，或加签密钥/IP 不符）。",
    300001: "钉钉：Webhook 地址无效（access_token 错误）。",
    400013: "钉钉：群已被解散。",
    400101: "钉钉：Webhook 地址无效（access_token 不存在）。",
    130101: "钉钉：发送太频繁，每分钟最多 20 条。",
}


@dataclass
class RobotAnswer:
    ok: bool
    message: str  # Chinese, for the delivery record and the admin
    retry: bool  # worth trying again later (network, rate limit)


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    """钉钉 加签: sign = base64(HMAC-SHA256(secret, f"{timestamp}\\n{secret}")), url-encoded."""
    if not secret:
        return url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp}&sign={sign}"


def payload(kind: str, title: str, markdown: str) -> dict:
    if kind == "dingtalk":
        return {"msgtype": "markdown", "markdown": {"title": title[:60], "text": markdown}}
    return {"msgtype": "markdown", "markdown": {"content": markdown[:4000]}}


def post(kind: str, url: str, secret: str, title: str, markdown: str) -> RobotAnswer:
    target = dingtalk_signed_url(url, secret) if kind == "dingtalk" else url
    data = json.dumps(payload(kind, title, markdown), ensure_ascii=False).encode()
    request = urllib.request.Request(target, data=data, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
            body = response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return RobotAnswer(False, f"机器人服务器返回 HTTP {exc.code}。", retry=exc.code >= 500 or exc.code == 429)
    except (urllib.error.URLError, TimeoutError, OSError):
        return RobotAnswer(False, "无法连接机器人服务器（网络不通或超时）。", retry=True)
    try:
        answer = json.loads(body)
    except ValueError:
        return RobotAnswer(False, "机器人服务器的回答无法识别。", retry=False)
    code = int(answer.get("errcode", -1)) if isinstance(answer, dict) else -1
    if code == 0:
        return RobotAnswer(True, "已发送。", retry=False)
    message = ERRORS.get(code, f"机器人返回错误（errcode {code}）：{str(answer.get('errmsg', ''))[:100]}")
    return RobotAnswer(False, message, retry=code in (45009, 130101))
