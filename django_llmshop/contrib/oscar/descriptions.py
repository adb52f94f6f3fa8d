"""Text to Oscar's HTML description and back: model text is never stored as raw HTML.

Oscar keeps a product's description as HTML and its templates print it with ``|safe``. A
published draft is plain text, so it is stored escaped, as ``<p>`` paragraphs with ``<br>``
line breaks. Reading the field undoes exactly that (``as_text(as_html(text)) == text`` for
every text), so the fingerprint, the conflict check and revert all see the draft's own text.

A value that carries markup of its own (the shop's previous description put back by revert, or
a reviewer's edit with tags) is cleaned with nh3: harmless formatting stays, scripts, event
handlers and outside images go.
"""

from __future__ import annotations

import html
import re

import nh3
from django.utils.html import escape, strip_tags

PARAGRAPH_BREAK = "</p>\n<p>"
LINE_BREAK = "<br>"
#: A tag, a comment or a character reference: the value is HTML, not plain text.
MARKUP = re.compile(r"<[A-Za-z/!?]|&(?:#\d+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")
#: Formatting that Oscar's dashboard editor writes and that cannot run anything.
TAGS = {
    "p", "br", "strong", "em", "b", "i", "u", "s", "del", "ul", "ol", "li", "blockquote",
    "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td", "a",
    "span", "div", "sub", "sup", "code", "pre",
}  # fmt: skip
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def as_html(text: str) -> str:
    """Plain text as escaped HTML paragraphs: blank lines part paragraphs, newlines break lines."""
    paragraphs = (escape(part).replace("\n", LINE_BREAK) for part in text.split("\n\n"))
    return "<p>" + PARAGRAPH_BREAK.join(paragraphs) + "</p>"


def as_text(value: str) -> str | None:
    """The text :func:`as_html` made ``value`` from, or None when it did not make it."""
    if not (value.startswith("<p>") and value.endswith("</p>")):
        return None
    parts = value[3:-4].split(PARAGRAPH_BREAK)
    text = "\n\n".join(html.unescape(part.replace(LINE_BREAK, "\n")) for part in parts)
    return text if as_html(text) == value else None


def clean_html(value: str) -> str:
    """Shop HTML with only harmless formatting left. No ``rel`` is added to links (``target``
    is not allowed, so none opens a window), which keeps a clean description byte for byte."""
    return nh3.clean(
        value,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )


def read_description(value: str | None) -> str:
    """What the package sees of a stored description: its text if the package wrote it, else
    the shop's HTML as it is."""
    if not value:
        return ""
    text = as_text(value)
    return value if text is None else text


def plain_text(value: str) -> str:
    """Readable text of a description as :func:`read_description` gives it (tags removed)."""
    return html.unescape(strip_tags(value)) if MARKUP.search(value) else value


def write_description(text: str) -> str:
    """What to store for ``text``: escaped paragraphs, or cleaned HTML if it carries markup."""
    if not text:
        return ""
    return clean_html(text) if MARKUP.search(text) else as_html(text)
