"""A fake 企业微信/钉钉 robot on 127.0.0.1 that prints every message it receives, for trying
group robots without a real group chat (see docs/deploy.md):

    .venv/bin/python manage.py fake_robot 8765
"""

import contextlib

from django.core.management.base import BaseCommand

from xiaoben.messaging.fakerobot import FakeRobot


class Command(BaseCommand):
    help = "在 127.0.0.1 上启动一个假的企业微信/钉钉群机器人，打印收到的每条消息（Ctrl-C 停止）"

    def add_arguments(self, parser):
        parser.add_argument("port", nargs="?", type=int, default=8765)
        parser.add_argument("--secret", default="", help="钉钉加签密钥：签名不符的消息按真服务器的方式拒绝（310000）")

    def handle(self, *args, port=8765, secret="", **options):
        out = self.stdout

        def show(record: dict) -> None:
            data = record["json"] if isinstance(record["json"], dict) else {}
            md = data.get("markdown") or {}
            kind = "钉钉" if "sign" in record["query"] or "title" in md else "企业微信"
            verdict = "已接受" if record["answered"] == 0 else f"拒绝（errcode {record['answered']}）"
            signed = "，已加签" if "sign" in record["query"] else ""
            out.write(f"—— 收到{kind}消息（{data.get('msgtype', '?')}{signed}）：{verdict}")
            if md.get("title"):
                out.write(f"标题：{md['title']}")
            out.write(str(md.get("content") or md.get("text") or data))
            out.write("")
            out.flush()

        fake = FakeRobot(port=port, secret=secret, on_request=show)
        out.write(f"假群机器人已启动：{fake.base}/cgi-bin/webhook/send?key=demo （Ctrl-C 停止）")
        out.write(f"演示站点需允许这个地址：ROBOT_EXTRA_URL_PREFIXES={fake.base}/")
        out.flush()
        with contextlib.suppress(KeyboardInterrupt):
            fake.server.serve_forever()
        fake.server.server_close()
