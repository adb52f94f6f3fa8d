"""The support chat's ``LLMSHOP`` keys (``CHAT_...``) and their defaults.

Imported by :mod:`.apps`, so the keys are known (read through ``llmshop_settings``, accepted by
the unknown-key check) exactly when ``django_llmshop.support`` is installed.
"""

from __future__ import annotations

from typing import Any

from django_llmshop.conf import register_defaults

DEFAULTS: dict[str, Any] = {
    # Longest shopper message accepted, in characters; a longer one gets HTTP 413.
    "CHAT_MAX_MESSAGE_CHARS": 2000,
    # Messages a shopper may send per window, per session (or user) and per IP address.
    "CHAT_RATE_LIMIT_PER_SESSION": 20,
    "CHAT_RATE_LIMIT_PER_IP": 60,
    "CHAT_RATE_LIMIT_WINDOW": 60,
    # New conversations a shopper may start per window, per session (or user) and per IP.
    "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION": 10,
    "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 30,
    # Celery queue of the reply task (None: the default queue); serve it with a threads pool.
    "CHAT_QUEUE": None,
    # Redis URL of the token stream buffer (None: streams go through the database).
    "CHAT_STREAM_REDIS_URL": None,
    # Characters of earlier messages sent along with each question (oldest dropped first).
    "CHAT_HISTORY_CHARS": 6000,
    # Rounds of tool calls before the model must answer, and the longest reply in tokens.
    "CHAT_MAX_TOOL_STEPS": 4,
    "CHAT_MAX_REPLY_TOKENS": 800,
    # Seconds a reply may stay pending or streaming before the sweeper fails it (retry works).
    "CHAT_REPLY_TIMEOUT": 300,
    # Knowledge passages retrieved for each question.
    "CHAT_RETRIEVAL_TOP_K": 4,
    # Extra words that mark a message's intent, e.g. {"handoff": ["Mensch"], "order": [...]};
    # keys: handoff, order, policy, product.
    "CHAT_INTENT_KEYWORDS": {},
    # Share of a question's words the best help passage must contain to count as a policy
    # question when no policy keyword is present (0..1).
    "CHAT_POLICY_MIN_SCORE": 0.6,
    # Seconds the chat's in-process catalog index is kept before it is rebuilt.
    "CHAT_CATALOG_INDEX_TTL": 300,
    # Handoffs: email staff holding llmshop_support.receive_handoff_notifications (True), and
    # POST a signed JSON notice to a webhook (None: no webhook). See docs/support.md.
    "CHAT_HANDOFF_EMAIL": True,
    "CHAT_HANDOFF_WEBHOOK_URL": None,
    "CHAT_HANDOFF_WEBHOOK_SECRET": None,
    "CHAT_HANDOFF_WEBHOOK_TIMEOUT": 10,
    "CHAT_HANDOFF_WEBHOOK_RETRIES": 5,
    # Scheme and host put before the admin links of handoff emails and webhooks, e.g.
    # "https://shop.example.com" (None: the links are paths).
    "CHAT_ADMIN_BASE_URL": None,
}

register_defaults("django_llmshop.support", DEFAULTS)
