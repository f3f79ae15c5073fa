"""Rich text from users is sanitised with nh3 before it is stored."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "pre",
    "code",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "a",
    "span",
    "div",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "caption",
    "colgroup",
    "col",
    "hr",
    "img",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "ol": {"start"},
    "*": {"class"},
}


def clean_html(html: str | None) -> str:
    """Remove scripts, event handlers, styles and javascript: links; keep structure."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def html_to_text(html: str | None) -> str:
    """Plain text of sanitised HTML (for counting characters and searching)."""
    if not html:
        return ""
    import re
    from html import unescape

    text = re.sub(r"<(br|/p|/div|/li|/h\d|/tr)\s*/?>", "\n", html, flags=re.I)
    return unescape(re.sub(r"<[^>]+>", "", text)).strip()
