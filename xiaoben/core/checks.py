"""System checks: a deployment must not run on a public default secret (issue #12, 2).

`manage.py check` (and so `runserver`, `migrate`, gunicorn through `make serve`) fails in
production with the development key; `check --deploy` fails on it wherever it runs."""

from collections.abc import Sequence
from typing import Any

from django.apps.config import AppConfig
from django.conf import settings
from django.core.checks import Error, Tags, register


def _default_secret_errors() -> list[Error]:
    errors: list[Error] = []
    if getattr(settings, "DEV_SECRET_KEY", None) == settings.SECRET_KEY:
        errors.append(
            Error(
                "SECRET_KEY 是写在 settings.py 里的公开默认值：任何人都能用它伪造登录和签到二维码。",
                hint="设置 SECRET_KEY 环境变量（至少50个随机字符），见 docs/deploy.md。",
                id="xiaoben.E001",
            )
        )
    return errors


@register(Tags.security)
def secret_key_in_production(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    return _default_secret_errors() if getattr(settings, "PRODUCTION", False) else []


@register(Tags.security, deploy=True)
def secret_key_for_deploy(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    return [] if getattr(settings, "PRODUCTION", False) else _default_secret_errors()
