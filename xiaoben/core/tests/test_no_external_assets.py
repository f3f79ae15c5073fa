"""Nothing is loaded from another host: every page a persona reaches from the menu (and
one link further), the API docs, and the CSS files they use carry no script, style or
font from elsewhere — a school intranet without internet must work (issue 14, item 7)."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from xiaoben.core.nav import items_for
from xiaoben.core.scope import scope_for

pytestmark = pytest.mark.django_db

PERSONAS = ["platform_admin", "researcher", "principal", "dean", "leader", "mentor", "teacher"]
SKIP = re.compile(r"(logout|/export|/download|\.xlsx|\.docx|\.pdf|/delete|/attachments/|/i18n/|/django-admin/|/api/v1/(?!docs))")
MAX_PAGES = 60  # per persona: the menu and one link further, enough to see every template family


class Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []  # script src, stylesheet/preload/icon href, inline @import/url()
        self.links: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.loaded.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.loaded.append(a["href"])
        elif tag in ("img", "iframe", "source") and a.get("src"):
            self.loaded.append(a["src"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "style":
            self._style = True
        if a.get("style"):
            self.loaded += re.findall(r"url\(['\"]?([^'\")]+)", a["style"])

    def handle_endtag(self, tag):
        if tag == "style":
            self._style = False

    def handle_data(self, data):
        if self._style:
            self.loaded += re.findall(r"url\(['\"]?([^'\")]+)|@import\s+['\"]([^'\"]+)", data)


def external(url) -> bool:
    if isinstance(url, tuple):
        url = next((u for u in url if u), "")
    parts = urlsplit(url)
    return (bool(parts.netloc) and parts.netloc != "testserver") or url.startswith("//")


def crawl(client, start: list[str]) -> tuple[dict[str, list[str]], set[str], dict[str, int]]:
    bad: dict[str, list[str]] = {}
    css: set[str] = set()
    statuses: dict[str, int] = {}
    queue, seen = list(start), set()
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen or SKIP.search(url):
            continue
        seen.add(url)
        r = client.get(url)
        statuses[url] = r.status_code
        if r.status_code != 200 or "html" not in r.get("Content-Type", ""):
            continue
        p = Assets()
        p.feed(r.content.decode())
        found = [u for u in p.loaded if external(u)]
        if found:
            bad[url] = found
        css.update(u for u in p.loaded if isinstance(u, str) and u.endswith(".css") and not external(u))
        if url in start:
            for href in p.links:
                parts = urlsplit(href)
                if not parts.netloc and parts.path.startswith("/") and parts.path not in seen:
                    queue.append(parts.path)
    return bad, css, statuses


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_load_nothing_from_another_host(world, client_for, persona):
    client = client_for(persona)
    menu = ["/"] + [i["url"] for i in items_for(scope_for(world.users[persona]))]
    bad, css, statuses = crawl(client, [*menu, "/api/v1/docs"])
    assert not bad, bad
    assert statuses["/api/v1/docs"] == 200
    for href in css:
        path = finders.find(href.removeprefix(settings.STATIC_URL))
        assert path, f"{href} is not a local static file"
        text = Path(path).read_text(errors="ignore")
        imports = re.findall(r"@import\s+(?:url\()?['\"]?(https?:)?//", text)
        fonts = re.findall(r"url\(['\"]?(?:https?:)?//[^)]*\.(?:woff2?|ttf|otf|css)", text)
        assert not imports and not fonts, f"{href} loads from another host"


def test_api_docs_use_local_swagger(world, client_for):
    html = client_for("teacher").get("/api/v1/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr.net" not in html and "unpkg" not in html
    assert finders.find("vendor/swagger-ui/swagger-ui-bundle.js")
