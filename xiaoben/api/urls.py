"""The JSON API at /api/v1/: OpenAPI schema at /api/v1/openapi.json, docs at /api/v1/docs.

Each app exposes `router` in its own `api.py`; they are mounted here."""

from importlib import import_module

from django.core.exceptions import ValidationError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from xiaoben.core.errors import NotPermitted

from .auth import AUTH

api = NinjaAPI(
    title="校本 Xiaoben API",
    version="1",
    description="校本研修平台接口。认证：浏览器会话，或个人访问令牌（Authorization: Bearer …）。",
    auth=AUTH,
    urls_namespace="api",
    docs_url="/docs",
)

ROUTERS = [
    ("/org/", "xiaoben.org.api"),
    ("/activities/", "xiaoben.activities.api"),
    ("/observations/", "xiaoben.observations.api"),
    ("/writings/", "xiaoben.writings.api"),
    ("/mentoring/", "xiaoben.mentoring.api"),
    ("/research/", "xiaoben.research.api"),
    ("/hours/", "xiaoben.hours.api"),
    ("/requirements/", "xiaoben.requirements.api"),
    ("/assessment/", "xiaoben.assessment.api"),
    ("/resources/", "xiaoben.resources.api"),
    ("/reports/", "xiaoben.reports.api"),
    ("/region/", "xiaoben.region.api"),
]
for prefix, module in ROUTERS:
    router = getattr(import_module(module), "router", None)
    if router is not None:
        api.add_router(prefix, router)


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    return api.create_response(request, {"detail": "；".join(exc.messages)}, status=400)


@api.exception_handler(AuthenticationError)
def auth_error(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)


@api.exception_handler(NotPermitted)
def not_permitted(request, exc: NotPermitted):
    if exc.hides_object:
        return api.create_response(request, {"detail": "未找到。"}, status=404)
    return api.create_response(request, {"detail": exc.message}, status=403)
