"""Content-Security-Policy (issue #12, 8): every page carries it with a fresh nonce, every
<script> tag carries that nonce, and no template uses an inline event handler."""

import re
from pathlib import Path

import pytest
from django.test import Client

from tests.test_tenancy_walk import SKIP, _simple_urls

ROOT = Path(__file__).resolve().parents[1] / "xiaoben"


def test_no_template_has_an_inline_handler_or_a_script_without_nonce():
    bad = []
    for path in ROOT.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        bad += [f"{path.name}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+\s*=\s*[\"']", text)]
        bad += [f"{path.name}: <script without nonce" for _ in re.finditer(r"<script(?![^>]*nonce=)", text)]
    assert not bad, bad[:20]


def test_every_page_has_the_policy_and_its_scripts_the_nonce(world):
    client = Client()
    client.force_login(world.users["dean"])
    pages, nonces = 0, set()
    for url in sorted(set(_simple_urls())):
        if url in SKIP or url.startswith("/api/"):
            continue
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        policy = r["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy.split("style-src")[0]
        html = r.content.decode()
        for tag in re.findall(r"<script[^>]*>", html):
            if 'type="application/json"' in tag:
                continue
            assert f'nonce="{nonce}"' in tag, f"{url}: {tag}"
        nonces.add(nonce)
        pages += 1
    assert pages >= 20 and len(nonces) == pages  # a fresh nonce for every response


@pytest.mark.browser
def test_pages_work_under_the_policy(live_server, world, desktop_page):
    """No script or handler is refused by the browser on the pages that run our own scripts."""
    from xiaoben.activities.tests.factories import make_activity
    from xiaoben.core.testing_browser import sign_in
    from xiaoben.org.testing import PASSWORD

    a = make_activity(world)
    page = desktop_page
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server.url, world.mentor.user.username, PASSWORD)
    for path in ["/", "/observations/new/", "/writings/new/", f"/activities/{a.pk}/minutes/", "/requirements/", "/observations/matrix/"]:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    page.goto(live_server.url + f"/activities/{a.pk}/minutes/")
    page.locator(".ql-editor").click()
    page.keyboard.type("研讨记录")
    assert page.locator(".ql-editor").inner_text().strip().startswith("研讨记录")  # Quill runs
    assert not violations, violations[:5]
