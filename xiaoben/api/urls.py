"""The JSON API at /api/v1/: OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs.

Each app exposes `router` in its own `api.py`; they are mounted here."""

from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.openapi.docs import Swagger, _csrf_needed

from xiaoben.core.errors import NotPermitted

from . import errors
from .auth import AUTH


class LocalSwagger(Swagger):
    """Swagger UI from our own static files (npm swagger-ui-dist, copied by
    scripts/build_assets.py): ninja falls back to a CDN, blank on a school intranet."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": self.settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, "api/swagger.html", context)


api = NinjaAPI(
    title="校本 Xiaoben API",
    version="1",
    description="校本研修平台接口。认证：浏览器会话，或个人访问令牌（Authorization: Bearer …）。",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
    docs=LocalSwagger(),
)

# One prefix per resource: /api/v1/<resource>/… (the changelog in docs/architecture.md lists the
# paths this replaced). (prefix, module, router attribute)
ROUTERS = [
    ("/org/", "xiaoben.org.api", "router"),
    ("/activities/", "xiaoben.activities.api", "router"),
    ("/observations/", "xiaoben.observations.api", "router"),
    ("/rubrics/", "xiaoben.observations.api", "rubrics_router"),
    ("/writings/", "xiaoben.writings.api", "router"),
    ("/mentoring/", "xiaoben.mentoring.api", "router"),
    ("/research/", "xiaoben.research.api", "router"),
    ("/hours/", "xiaoben.hours.api", "router"),
    ("/requirements/", "xiaoben.requirements.api", "router"),
    ("/progress/", "xiaoben.requirements.api", "progress_router"),
    ("/plans/", "xiaoben.plans.api", "router"),
    ("/assessment/", "xiaoben.assessment.api", "router"),
    ("/resources/", "xiaoben.resources.api", "router"),
    ("/search/", "xiaoben.resources.api", "search_router"),
    ("/showcase/", "xiaoben.resources.api", "showcase_router"),
    ("/reports/", "xiaoben.reports.api", "router"),
    ("/region/", "xiaoben.region.api", "router"),
]
for prefix, module, attr in ROUTERS:
    api.add_router(prefix, getattr(import_module(module), attr))


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": errors.django_errors(exc, errors.app_of(request))}, status=400)


@api.exception_handler(SchemaValidationError)
def schema_error(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
    return api.create_response(request, errors.schema_errors(exc.errors, errors.app_of(request)), status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": errors.HTTP_MESSAGES[401]}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": errors.HTTP_MESSAGES[404]}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if not any("\u4e00" <= ch <= "\u9fff" for ch in message):  # ninja's own English messages
        message = errors.HTTP_MESSAGES.get(exc.status_code, "请求有误。")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: Exception) -> HttpResponse:
    message = str(exc) if any("\u4e00" <= ch <= "\u9fff" for ch in str(exc)) else errors.HTTP_MESSAGES[403]
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(NotPermitted)
def not_permitted(request: HttpRequest, exc: NotPermitted) -> HttpResponse:
    if exc.hides_object:
        return api.create_response(request, {"detail": errors.HTTP_MESSAGES[404]}, status=404)
    return api.create_response(request, {"detail": exc.message}, status=403)
