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


def check_handoff_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The handoff email switch, webhook URL, secret, timeout and retries, the admin base URL."""
    messages: list[CheckMessage] = []
    s = llmshop_settings
    if not isinstance(s.CHAT_HANDOFF_EMAIL, bool):
        messages.append(_error("LLMSHOP['CHAT_HANDOFF_EMAIL'] must be True or False."))
    url = s.CHAT_HANDOFF_WEBHOOK_URL
    if url is not None and not _http_url(url):
        messages.append(
            _error(
                "LLMSHOP['CHAT_HANDOFF_WEBHOOK_URL'] must be None or an http(s):// URL.",
                hint="For example 'https://hooks.example.com/llmshop'.",
            )
        )
    secret = s.CHAT_HANDOFF_WEBHOOK_SECRET
    if url and (not isinstance(secret, str) or len(secret) < 16):
        messages.append(
            _error(
                "LLMSHOP['CHAT_HANDOFF_WEBHOOK_SECRET'] must be a string of at least 16 "
                "characters when CHAT_HANDOFF_WEBHOOK_URL is set.",
                hint="For example secrets.token_hex(32), shared with the receiver.",
            )
        )
    timeout = s.CHAT_HANDOFF_WEBHOOK_TIMEOUT
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        messages.append(
            _error(f"LLMSHOP['CHAT_HANDOFF_WEBHOOK_TIMEOUT'] must be seconds > 0, got {timeout!r}.")
        )
    retries = s.CHAT_HANDOFF_WEBHOOK_RETRIES
    if isinstance(retries, bool) or not isinstance(retries, int) or not 0 <= retries <= 20:
        messages.append(
            _error(
                "LLMSHOP['CHAT_HANDOFF_WEBHOOK_RETRIES'] must be a whole number from 0 to 20, "
                f"got {retries!r}."
            )
        )
    base = s.CHAT_ADMIN_BASE_URL
    if base is not None and not _http_url(base):
        messages.append(
            _error(
                "LLMSHOP['CHAT_ADMIN_BASE_URL'] must be None or an http(s):// URL.",
                hint="For example 'https://shop.example.com'.",
            )
        )
    return messages


def _http_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)
