"""What the web side shows of a chat message: its HTML and its JSON payload.

Used by the widget's views, the JSON API, the SSE relay and the staff inbox; the reply task
sends the same payload as the stream's last event.
"""

from __future__ import annotations

from typing import Any

from django.utils.safestring import SafeString

from django_llmshop.rendering import render_markdown
from django_llmshop.support.models import Message
from django_llmshop.support.sources import link_markers


def message_html(message: Message) -> SafeString:
    """The HTML of a message: model and shopper text only ever through ``render_markdown``."""
    return render_markdown(link_markers(message.content, message.citations or []))


def message_payload(message: Message) -> dict[str, Any]:
    """The message as the API and the stream's last event give it."""
    return {
        "id": message.pk,
        "role": message.role,
        "status": message.status,
        "content": message.content,
        "html": str(message_html(message)),
        "citations": message.citations or [],
        "flagged": message.flagged,
    }
