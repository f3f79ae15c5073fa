"""A bounded hypothesis fuzz over every form the site renders (issue #12, 4): each page a
persona can open (every argument-free URL, and the pages of the world's records) is parsed for
its POST forms; each form is submitted with generated values for its own fields (text, huge
and non-finite numbers, impossible dates, markup, empty) — never a 500. Bounded for CI with
FUZZ_EXAMPLES (default 4 per form and persona)."""

import os
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_tenancy_walk import SKIP, _simple_urls

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
# Forms whose success ends the session or is not a record write.
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/", "/accounts/password")

NASTY = st.sampled_from(
    [
        "",
        " ",
        "NaN",
        "Infinity",
        "-1",
        "0",
        "99999999999999999999",
        "1e999",
        "2026-13-45",
        "0000-00-00",
        "<script>x</script>",
        "=1+1",
        "３",
        "٣",
        "\x00",
        "a" * 5000,
        "'; --",
        "2026-11-18",
        "第3节",
        "1.5",
        "true",
    ]
)


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._cur, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self._cur = {"action": a.get("action") or "", "fields": {}, "enctype": a.get("enctype", "")}
        elif self._cur is not None and tag in ("input", "textarea", "select") and a.get("name"):
            kind = a.get("type", "text") if tag == "input" else tag
            if kind in ("submit", "button", "image", "reset"):
                return
            self._cur["fields"][a["name"]] = {"kind": kind, "value": a.get("value", ""), "options": []}
            if tag == "select":
                self._select = a["name"]
        elif tag == "option" and self._select and self._cur is not None:
            self._cur["fields"][self._select]["options"].append(dict(attrs).get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._cur is not None:
            self.forms.append(self._cur)
            self._cur = None


def _value(field) -> st.SearchStrategy:
    kind = field["kind"]
    if kind == "hidden" and field["value"]:
        return st.one_of(st.just(field["value"]), NASTY)
    if kind in ("checkbox", "radio"):
        return st.sampled_from([field["value"] or "on", ""])
    if kind == "select" and field["options"]:
        return st.one_of(st.sampled_from(field["options"]), NASTY)
    if kind in ("number", "date", "time", "datetime-local"):
        return st.one_of(NASTY, st.integers(-(10**25), 10**25).map(str))
    if kind == "file":
        return st.just("")
    return st.one_of(NASTY, st.text(max_size=50))


def _pages(world):
    pages = [u for u in sorted(set(_simple_urls())) if u not in SKIP and not u.startswith("/api/")]
    from xiaoben.core.tenancy import registered_models

    for model in registered_models():
        if hasattr(model, "get_absolute_url") and model._meta.app_label != "org":
            obj = model._default_manager.first()
            if obj is not None:
                pages.append(obj.get_absolute_url())
    return pages


@pytest.mark.fuzz
def test_no_form_answers_500(world, client_for):
    from xiaoben.observations.rubrics import rubric_for_school

    rubric_for_school(world.school)
    failures, forms_seen = [], set()
    for persona in ("dean", "teacher"):
        client = Client(raise_request_exception=False)
        client.force_login(world.users[persona])
        for page in _pages(world):
            r = client.get(page)
            if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
                continue
            parser = _Forms()
            parser.feed(r.content.decode())
            for form in parser.forms:
                action = form["action"] or page
                if action.startswith(SKIP_ACTIONS) or not action.startswith("/"):
                    continue
                fields = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
                key = (persona, re.sub(r"\d+", "N", action), tuple(sorted(fields)))
                if key in forms_seen:
                    continue
                forms_seen.add(key)
                _fuzz_form(client, persona, action, fields, failures)
    assert len(forms_seen) >= 20, sorted(forms_seen)
    assert not failures, "\n".join(failures[:20])


def _fuzz_form(client, persona, action, fields, failures):
    strategy = st.fixed_dictionaries({name: _value(f) for name, f in fields.items()})

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=strategy)
    def run(data):
        r = client.post(action, data)
        if r.status_code >= 500:
            failures.append(f"{persona} POST {action} {data!r:.300} -> {r.status_code}")

    run()
