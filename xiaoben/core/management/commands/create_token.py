from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from xiaoben.core.services import api_token_create


class Command(BaseCommand):
    help = "为用户创建 API 访问令牌：python manage.py create_token <用户名>"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建")

    def handle(self, username, name, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户 {username} 不存在。")
        _, raw = api_token_create(user=user, name=name)
        self.stderr.write("令牌（只显示一次）：")
        self.stdout.write(raw)
