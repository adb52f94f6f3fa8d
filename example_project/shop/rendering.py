"""Renders help-page Markdown to HTML that is safe to show: raw HTML off, then sanitised."""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

# "html": False turns raw HTML in the source into text; nh3 then removes anything unsafe that
# Markdown itself can produce, such as javascript: links.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def render_markdown(text: str) -> SafeString:
    """Markdown source → sanitised HTML."""
    return mark_safe(nh3.clean(_markdown.render(text)))
