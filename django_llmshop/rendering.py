"""Model output to HTML: Markdown without raw HTML, then sanitised; model text is never trusted.

Two layers, so that a gap in one is caught by the other: markdown-it-py with HTML disabled
escapes every tag the model writes and refuses ``javascript:``-style links; nh3 (Ammonia) then
keeps only a small allow-list of tags and attributes. Links may point only at relative URLs or
hosts in ``LLMSHOP["ALLOWED_LINK_HOSTS"]``; other links are reduced to their text. Images are
dropped unless they are relative (served by the shop itself), so a reply cannot make the
browser fetch an outside URL (a classic way to leak data through a rendered image).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from django_llmshop.conf import llmshop_settings

TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li", "a",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "img", "del",
}  # fmt: skip
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Headings written by a model would compete with the page's own; they become bold paragraphs.
HEADING_MAP = {"h1": "h3", "h2": "h4"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        .enable("table")
        .enable("strikethrough")
    )


def _host_allowed(url: str, hosts: frozenset[str]) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme == "mailto":
        return True
    if not parts.scheme and not parts.netloc:
        return not url.strip().startswith("//")  # a relative link into the shop itself
    host = (parts.hostname or "").lower()
    return parts.scheme in ("http", "https") and any(
        host == allowed or host.endswith("." + allowed) for allowed in hosts
    )


def _is_relative(url: str) -> bool:
    parts = urlsplit(url.strip())
    return not parts.scheme and not parts.netloc and not url.strip().startswith("//")


def render_markdown(text: str, *, allowed_link_hosts: Iterable[str] | None = None) -> SafeString:
    """Render untrusted Markdown (model output, shopper text) to safe HTML."""
    hosts = frozenset(
        h.lower()
        for h in (
            allowed_link_hosts
            if allowed_link_hosts is not None
            else llmshop_settings.ALLOWED_LINK_HOSTS
        )
    )
    html = _markdown().render(text or "")
    for old, new in HEADING_MAP.items():
        html = html.replace(f"<{old}>", f"<{new}>").replace(f"</{old}>", f"</{new}>")

    def keep(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return value if _host_allowed(value, hosts) else None
        if tag == "img" and attribute == "src":
            return value if _is_relative(value) else None
        return value

    cleaned = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        attribute_filter=keep,
        strip_comments=True,
    )
    # Safe: every tag and attribute left was produced by the sanitiser's allow-list above.
    return mark_safe(cleaned)  # noqa: S308


def render_plain(text: str) -> SafeString:
    """Untrusted text shown as text, with line breaks kept."""
    return mark_safe(escape(text or "").replace("\n", "<br>"))  # noqa: S308
