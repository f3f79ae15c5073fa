"""Every API error answers in Chinese: `{"detail": "…"}`, and for input that does not fit the
schema also `errors: [{"field": "标题", "loc": [...], "msg": "…"}]` naming the field in Chinese."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest

# Fields that exist only in the API (or whose model name would be misleading there).
API_FIELD_NAMES = {
    "version": "版本号",
    "expected_version": "版本号",
    "points": "打分",
    "scores": "打分",
    "item_id": "评价项目",
    "teacher_id": "教师",
    "term_id": "学期",
    "year_id": "学年",
    "activity_id": "活动",
    "observation_id": "听课记录",
    "rubric_id": "评价表",
    "group_id": "小组",
    "school_id": "学校",
    "mentor_id": "师傅",
    "mentee_id": "徒弟",
    "month": "月份",
    "reason": "理由",
    "token": "签到码",
    "body": "正文",
    "payload": "请求内容",
    "page": "页码",
    "limit": "每页条数",
    "offset": "起始位置",
}


@cache
def _model_field_names(app_label: str = "") -> dict[str, str]:
    """Field name → Chinese verbose name; the app the endpoint belongs to answers first
    (`title` is 标题 in writings and 职称 in org)."""
    names: dict[str, str] = {}
    models = [m for m in apps.get_models() if m.__module__.startswith("xiaoben.")]
    models.sort(key=lambda m: m._meta.app_label != app_label)
    for model in models:
        for f in model._meta.get_fields():
            verbose = getattr(f, "verbose_name", None)
            if not verbose or not any("\u4e00" <= ch <= "\u9fff" for ch in str(verbose)):
                continue
            names.setdefault(f.name, str(verbose))
            attname = getattr(f, "attname", f.name)
            if attname != f.name:
                names.setdefault(attname, str(verbose))
    return names


def field_label(loc: Sequence[Any], app_label: str = "") -> str:
    """The Chinese name of the innermost named field of a pydantic `loc`."""
    for part in reversed([p for p in loc if isinstance(p, str)]):
        if part in ("body", "query", "path", "form", "file", "header", "cookie"):
            continue
        if part in API_FIELD_NAMES:
            return API_FIELD_NAMES[part]
        label = _model_field_names(app_label).get(part)
        if label:
            return label
        return part
    return "请求内容"


def _msg(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "必须填写"
    if kind in ("string_too_long",):
        return f"不能超过 {ctx.get('max_length')} 个字符"
    if kind in ("string_too_short",):
        return f"至少 {ctx.get('min_length')} 个字符"
    if kind.startswith("int_") or kind == "int_type":
        return "须为整数"
    if kind.startswith(("float_", "decimal_")):
        return "须为数字" if kind.endswith(("parsing", "type")) else "数字不合要求"
    if kind in ("greater_than", "greater_than_equal"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than", "less_than_equal"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind.startswith("date") or kind.startswith("time"):
        return "日期或时间的格式不对（如 2026-11-18 或 2026-11-18T08:00）"
    if kind.startswith("bool"):
        return "须为 true 或 false"
    if kind in ("enum", "literal_error"):
        return f"只能是：{ctx.get('expected', '')}".rstrip("：")
    if kind.startswith(("list_", "dict_", "model_", "dataclass_")) or kind.endswith("_type"):
        return "格式不对"
    if kind == "json_invalid":
        return "不是有效的 JSON"
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error", "")) or err.get("msg", "")
        return text if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "取值不合要求"
    return "取值不合要求"


# Resources mounted under their own prefix whose app has another name (api/urls.py).
PREFIX_APPS = {"rubrics": "observations", "progress": "requirements", "search": "resources", "showcase": "resources"}


def app_of(request: HttpRequest) -> str:
    """/api/v1/<resource>/… → the app that serves it."""
    parts = request.path.split("/")
    prefix = parts[3] if len(parts) > 3 else ""
    return PREFIX_APPS.get(prefix, prefix)


def schema_errors(errors: Sequence[dict[str, Any]], app_label: str = "") -> dict[str, Any]:
    items = [{"field": field_label(e.get("loc", ()), app_label), "loc": list(e.get("loc", ())), "msg": _msg(e)} for e in errors]
    detail = "；".join(f"{i['field']}：{i['msg']}" for i in items) or "请求内容不合要求。"
    return {"detail": detail, "errors": items}


def django_errors(exc: DjangoValidationError, app_label: str = "") -> str:
    if hasattr(exc, "error_dict"):
        parts = []
        for name, errs in exc.message_dict.items():
            text = "；".join(errs)
            parts.append(text if name == "__all__" else f"{field_label([name], app_label)}：{text}")
        return "；".join(parts)
    return "；".join(exc.messages)


HTTP_MESSAGES = {
    400: "请求有误。",
    401: "未登录或令牌无效。",
    403: "您没有权限执行这个操作。",
    404: "未找到：记录不存在，或您无权查看。",
    405: "不支持这种请求方法。",
    409: "记录已被他人修改，请刷新后再改。",
    413: "上传的内容太大。",
    429: "请求太频繁，请稍后再试。",
}
