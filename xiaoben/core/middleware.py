from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

GetResponse = Callable[[HttpRequest], HttpResponseBase]

ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


class ForcePasswordChangeMiddleware:
    """Imported accounts start with a temporary password and must change it first."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(ALLOWED_PREFIXES)
        ):
            return redirect(reverse("core:password_change"))
        return self.get_response(request)


class ChineseFirstMiddleware:
    """Simplified Chinese is the UI language whatever the browser's Accept-Language;
    English only when the person picks it (the language cookie set by /i18n/setlang/)."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class NotPermittedMiddleware:
    """A service said no: 404 when the object must stay hidden, else a 403 page with the reason."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponseBase | None:
        from django.http import Http404
        from django.shortcuts import render

        from .errors import NotPermitted

        if not isinstance(exception, NotPermitted):
            return None
        if exception.hides_object:
            raise Http404
        return render(request, "403.html", {"reason": exception.message}, status=403)


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every page: scripts only from our origin or inline with this
    request's nonce (templates: `<script nonce="{{ csp_nonce }}">`), no inline event handlers,
    nothing from other sites; forms post only to us; no framing. Inline styles stay allowed
    (the rich-text editor and charts set them)."""

    EXEMPT = ("/api/v1/docs",)  # the Swagger page ships its own inline script

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        import secrets

        nonce = secrets.token_urlsafe(16)
        setattr(request, "csp_nonce", nonce)  # noqa: B010 (read by the csp_nonce context processor)
        response = self.get_response(request)
        if request.path.startswith(self.EXEMPT) or "Content-Security-Policy" in response:
            return response
        response["Content-Security-Policy"] = (
            "default-src 'self'; "
            f"script-src 'self' 'nonce-{nonce}'; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
        return response
