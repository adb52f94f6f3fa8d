"""The messages sent to the model: the shop-rules system prompt, sources and trimmed history.

The system prompt is the template ``django_llmshop/support/prompts/system.txt``; a shop
overrides it like any Django template.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language_info

from django_llmshop.conf import llmshop_settings
from django_llmshop.support.models import Message
from django_llmshop.support.sources import SourceList

SYSTEM_TEMPLATE = "django_llmshop/support/prompts/system.txt"
STAFF_PREFIX = "(A person from the support team wrote:) "
#: The most earlier messages read for a reply's history (CHAT_HISTORY_CHARS trims further).
HISTORY_ROWS = 50


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code or settings.LANGUAGE_CODE)["name"])
    except KeyError:
        return "the shopper's language"


def system_prompt(
    *,
    sources: SourceList,
    language: str,
    logged_in: bool,
    supports_tools: bool,
    orders: str | None,
    shop_name: str,
) -> str:
    return render_to_string(
        SYSTEM_TEMPLATE,
        {
            "shop_name": shop_name,
            "brand_voice": llmshop_settings.BRAND_VOICE,
            "language_name": language_name(language),
            "logged_in": logged_in,
            "supports_tools": supports_tools,
            "sources": [
                {"id": s.id, "title": s.title, "url": s.url, "text": s.text.replace("</", "<\\/")}
                for s in sources.sources
            ],
            "orders": orders,
        },
    ).strip()


def history(earlier: list[Message]) -> tuple[list[dict[str, Any]], str]:
    """Earlier turns (newest kept first within ``CHAT_HISTORY_CHARS``) and the question.

    ``earlier``: the conversation's messages before the reply, newest first, system notes left
    out, at most ``HISTORY_ROWS``. The question is the last shopper message before the reply;
    failed and unfinished replies are left out.
    """
    earlier = list(earlier)
    question = ""
    if earlier and earlier[0].role == Message.Role.USER:
        question = earlier.pop(0).content
    budget = int(llmshop_settings.CHAT_HISTORY_CHARS)
    turns: list[dict[str, Any]] = []
    for message in earlier:
        if message.status != Message.Status.DONE or not message.content:
            continue
        if message.role == Message.Role.USER:
            turn = {"role": "user", "content": message.content}
        elif message.role == Message.Role.STAFF:
            turn = {"role": "assistant", "content": STAFF_PREFIX + message.content}
        else:
            turn = {"role": "assistant", "content": message.content}
        budget -= len(turn["content"])
        if budget < 0:
            break
        turns.append(turn)
    turns.reverse()
    return turns, question
