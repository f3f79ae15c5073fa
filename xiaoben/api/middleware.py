"""Numbers that no database column can hold are refused at the API's door, in Chinese.

Python's ints are unbounded, pydantic accepts `page=18631138989659783168` or
`mentor_id=60431028405795697983488`, and the database driver then overflows (a 500). Every id,
page and count in this API fits a 32-bit integer column, so anything beyond is bad input."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.http import HttpRequest, HttpResponseBase, JsonResponse

from xiaoben.core.params import DB_INT_MAX, DB_INT_MIN

from .errors import field_label

INTEGER = re.compile(r"^[+-]?\d+$")
# Query parameters that are numbers (ids end in _id); a search text made of digits (a phone
# number typed in 搜索) is not one of them.
NUMERIC_QUERY = {"id", "page", "page_size", "limit", "offset", "year", "month", "week", "term", "group", "school"}


def _too_big(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not DB_INT_MIN <= value <= DB_INT_MAX
    if isinstance(value, float):
        return value != value or abs(value) > 1e15  # NaN, or beyond every decimal column we have
    if isinstance(value, str) and INTEGER.match(value.strip()):
        return not DB_INT_MIN <= int(value) <= DB_INT_MAX
    return False


Loc = tuple[str | int, ...]


def _walk(data: Any, path: Loc = ()) -> Iterator[tuple[Loc, Any]]:  # parsed JSON
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _walk(v, (*path, str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _walk(v, (*path, i))
    else:
        yield path, data


def _refuse(loc: Sequence[str | int]) -> JsonResponse:
    label = field_label(loc)
    return JsonResponse(
        {"detail": f"{label}：数字超出范围", "errors": [{"field": label, "loc": list(loc), "msg": "数字超出范围"}]},
        status=422,
        json_dumps_params={"ensure_ascii": False},
    )


class ApiNumberRangeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith("/api/"):
            for segment in request.path.split("/"):
                if INTEGER.match(segment) and _too_big(segment):
                    return _refuse(("path", segment))
            for key, values in request.GET.lists():
                if (key in NUMERIC_QUERY or key.endswith("_id")) and any(_too_big(v) for v in values):
                    return _refuse(("query", key))
            if request.method in ("POST", "PUT", "PATCH") and "json" in (request.content_type or ""):
                try:
                    data = json.loads(request.body or b"null", parse_constant=lambda c: float("nan"))
                except (ValueError, UnicodeDecodeError):
                    data = None  # the API answers malformed JSON itself
                for loc, value in _walk(data):
                    if not isinstance(value, str) and _too_big(value):
                        return _refuse(("body", *loc))
        return self.get_response(request)
