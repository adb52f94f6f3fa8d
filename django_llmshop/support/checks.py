"""System checks of the support chat's answer-plan settings (ids shared with the core's E012)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error

from django_llmshop.conf import llmshop_settings

INTENTS = ("handoff", "order", "policy", "product")


def _error(text: str) -> Error:
    return Error(text, id="llmshop.E012")


def check_answer_plan(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
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
