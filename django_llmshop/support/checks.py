"""System checks of the support chat's settings (``CHAT_...``): all of them are llmshop.E012.

Registered by :class:`django_llmshop.support.apps.SupportConfig` when the sub-app is installed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.checks import CheckMessage, Error

from django_llmshop.conf import llmshop_settings

INTENTS = ("handoff", "order", "policy", "product")

#: Settings that must be whole numbers >= 1.
CHAT_COUNTS = (
    "CHAT_MAX_MESSAGE_CHARS",
    "CHAT_RATE_LIMIT_PER_SESSION",
    "CHAT_RATE_LIMIT_PER_IP",
    "CHAT_RATE_LIMIT_WINDOW",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION",
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP",
    "CHAT_HISTORY_CHARS",
    "CHAT_MAX_TOOL_STEPS",
    "CHAT_MAX_REPLY_TOKENS",
    "CHAT_REPLY_TIMEOUT",
    "CHAT_RETRIEVAL_TOP_K",
)


def _error(text: str, hint: str | None = None) -> Error:
    return Error(text, hint=hint, id="llmshop.E012")


def check_chat_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Limits, the reply queue and the stream buffer's Redis URL."""
    messages: list[CheckMessage] = []
    for key in CHAT_COUNTS:
        value = getattr(llmshop_settings, key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            messages.append(_error(f"LLMSHOP['{key}'] must be a whole number >= 1, got {value!r}."))
    queue = llmshop_settings.CHAT_QUEUE
    if queue is not None and (not isinstance(queue, str) or not queue):
        messages.append(_error("LLMSHOP['CHAT_QUEUE'] must be None or a queue name."))
    url = llmshop_settings.CHAT_STREAM_REDIS_URL
    if url is not None and (
        not isinstance(url, str) or urlsplit(url).scheme not in ("redis", "rediss", "unix")
    ):
        messages.append(
            _error(
                "LLMSHOP['CHAT_STREAM_REDIS_URL'] must be None or a redis:// URL.",
                hint="For example 'redis://127.0.0.1:6379/0'.",
            )
        )
    return messages


def check_answer_plan(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The question router's keywords, policy score and catalog index lifetime."""
    messages: list[CheckMessage] = []
    keywords = llmshop_settings.CHAT_INTENT_KEYWORDS
    if not isinstance(keywords, dict) or any(
        key not in INTENTS
        or not isinstance(words, list | tuple)
        or not all(isinstance(w, str) and w.strip() for w in words)
        for key, words in keywords.items()
    ):
        messages.append(
            _error(
                "LLMSHOP['CHAT_INTENT_KEYWORDS'] must map handoff, order, policy or product to "
                "lists of words."
            )
        )
    score = llmshop_settings.CHAT_POLICY_MIN_SCORE
    if isinstance(score, bool) or not isinstance(score, int | float) or not 0 <= score <= 1:
        messages.append(
            _error(f"LLMSHOP['CHAT_POLICY_MIN_SCORE'] must be a number from 0 to 1, got {score!r}.")
        )
    ttl = llmshop_settings.CHAT_CATALOG_INDEX_TTL
    if isinstance(ttl, bool) or not isinstance(ttl, int | float) or ttl < 0:
        messages.append(
            _error(f"LLMSHOP['CHAT_CATALOG_INDEX_TTL'] must be seconds >= 0, got {ttl!r}.")
        )
    return messages
