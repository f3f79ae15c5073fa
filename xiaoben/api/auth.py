"""API authentication: a personal access token, or the browser session (with CSRF).

A token request carries `Authorization: Bearer …`, which a page of another site cannot make a
browser send, so it needs no CSRF token; it is tried first. A session request is what a forged
cross-site form would ride on, so it must carry the CSRF token (header `X-CSRFToken`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security.apikey import APIKeyCookie
from ninja.utils import check_csrf

from xiaoben.core.models import ApiToken, User

CSRF_FAILED = "CSRF 校验失败：用浏览器会话调用接口时，请在请求头 X-CSRFToken 中带上 csrftoken Cookie 的值；程序调用请用个人访问令牌。"


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        row = ApiToken.objects.select_related("user").filter(token_hash=ApiToken.hash(token)).first()
        if row is None or not row.user.is_active:
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 300:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        setattr(request, "api_token", row)  # noqa: B010 (which token called, kept on the request)
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; writes must pass Django's CSRF check (in Chinese when not)."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.COOKIES.get(self.param_name) or not request.user.is_authenticated:
            return None  # no session: nothing to forge, and the answer is 401, not a CSRF error
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if key and request.user.is_authenticated else None


AUTH = [BearerToken(), SessionAuth()]
