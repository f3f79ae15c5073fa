"""A bounded schemathesis run over the whole OpenAPI schema (issue #12, 4): every operation,
generated from its schema, as a school admin and as a teacher with personal tokens — never a
500. Bounded for CI: FUZZ_EXAMPLES examples per operation and persona (default 4; raise it
locally, e.g. FUZZ_EXAMPLES=200, for a deep run)."""

import json
import os

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from xiaoben.api.urls import api
from xiaoben.core.services import api_token_create

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
SKIP = {("GET", "/api/v1/docs")}


def _call(client: Client, case):
    path = case.formatted_path
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("authorization", "content-type", "cookie")}
    kwargs = {"QUERY_STRING": "&".join(f"{k}={v}" for k, v in _flat(case.query or {}))}
    kwargs.update({f"HTTP_{k.upper().replace('-', '_')}": str(v) for k, v in headers.items()})
    body = case.body
    if body is None or body.__class__.__name__ == "NotSet":
        return client.generic(case.method.upper(), path, **kwargs)
    if case.media_type and "multipart" in case.media_type:
        return client.generic(case.method.upper(), path, data=b"", content_type="multipart/form-data; boundary=x", **kwargs)
    return client.generic(case.method.upper(), path, data=json.dumps(body, default=str), content_type="application/json", **kwargs)


def _flat(query: dict):
    from urllib.parse import quote

    for k, v in query.items():
        for item in v if isinstance(v, list) else [v]:
            yield quote(str(k)), quote(str(item).lower() if isinstance(item, bool) else str(item))


@pytest.mark.fuzz
def test_no_operation_answers_500(world):
    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    clients = {}
    for persona in ("dean", "teacher"):
        _, raw = api_token_create(user=world.users[persona], name="fuzz")
        clients[persona] = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")
    failures, counter = [], [0]
    for result in schema.get_all_operations():
        op = result.ok()
        if (op.method.upper(), op.path) in SKIP:
            continue
        for persona, client in clients.items():
            _fuzz_operation(op, persona, client, failures, counter)
    assert counter[0] >= 55 * 2, counter
    assert not failures, "\n".join(failures[:20])


def _fuzz_operation(op, persona, client, failures, counter):
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=op.as_strategy())
    def run(case):
        counter[0] += 1
        r = _call(client, case)
        if r.status_code >= 500:
            failures.append(f"{persona} {case.method} {case.formatted_path} {case.query} {case.body!r:.200} -> {r.status_code}")

    run()
