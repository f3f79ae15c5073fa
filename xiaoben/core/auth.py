"""Sign in with 工号, mobile number or username.

工号 are unique inside a school only; when the same 工号 exists in several
schools, the password decides (a person knows only their own)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from .models import User


class StaffNoOrPhoneBackend(ModelBackend):
    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if not username or not password:
            return None
        login = username.strip()
        candidates = list(User.objects.filter(username=login)) or list(User.objects.filter(phone=login))
        if not candidates:
            candidates = list(User.objects.filter(teacher__staff_no=login, teacher__is_active=True))
        matches = [u for u in candidates if u.check_password(password) and self.user_can_authenticate(u)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            User().set_password(password)  # same work as a real check: no timing oracle
        return None


def lockout_key(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account the sign-in attempt names, for django-axes' lockout (AXES_USERNAME_CALLABLE).

    A person can be named by username, mobile or 工号: failures count against the account
    whichever identifier was typed, so locking 工号 0012 also locks 13800001111 and NH-SYXX-0012.
    An identifier naming no account (or a 工号 several schools share) counts as itself."""
    login = ((credentials or {}).get("username") or (request.POST.get("username") if request else "") or "").strip()
    if not login:
        return ""
    User = get_user_model()
    names = list(User.objects.filter(username=login).values_list("username", flat=True)[:2])
    names = names or list(User.objects.filter(phone=login).values_list("username", flat=True)[:2])
    names = names or list(User.objects.filter(teacher__staff_no=login, teacher__is_active=True).values_list("username", flat=True)[:2])
    return names[0] if len(names) == 1 else login


def client_ip(request: HttpRequest) -> str:
    """The client's address (AXES_CLIENT_IP_CALLABLE). Behind the load balancer of docs/deploy.md
    every request comes from the balancer: with TRUSTED_PROXY_COUNT = N > 0, the address is the
    one the Nth proxy from us appended to TRUSTED_PROXY_HEADER (X-Forwarded-For by default);
    entries further left are client-supplied and never trusted."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count <= 0:
        return remote
    header = request.META.get(getattr(settings, "TRUSTED_PROXY_HEADER", "HTTP_X_FORWARDED_FOR"), "")
    hops = [h.strip() for h in header.split(",") if h.strip()]
    return hops[-count] if len(hops) >= count else remote
