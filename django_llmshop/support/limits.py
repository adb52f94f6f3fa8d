"""Limits checked before anything reaches a model: message size and per-shopper/IP rates.

The rates are counted by the API's throttles (:mod:`django_llmshop.api.throttling`), so the
JSON API and the HTMX widget share one count.
"""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from django_llmshop.api.throttling import CONVERSATION_THROTTLES, MESSAGE_THROTTLES, throttle_wait
from django_llmshop.conf import llmshop_settings


class ChatLimitError(Exception):
    """A message was refused before any model call; ``status`` is the HTTP status to send."""

    status = 400
    code = "refused"


class MessageTooLong(ChatLimitError):
    status = 413
    code = "message_too_long"


class RateLimited(ChatLimitError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check_size(content: str) -> None:
    limit = int(llmshop_settings.CHAT_MAX_MESSAGE_CHARS)
    if len(content) > limit:
        raise MessageTooLong(
            _("Messages can be at most %(limit)d characters long.") % {"limit": limit}
        )


def _check(request: HttpRequest, throttles: list[Any], message: str) -> None:
    wait = throttle_wait(request, throttles)
    if wait is not None:
        raise RateLimited(message, retry_after=max(math.ceil(wait), 1))


def check_rate(request: HttpRequest, shopper_key: str | None = None) -> None:
    """Count a message against the shopper's and the client IP address's limits.

    The API's message views count the request through their throttle classes first; the same
    throttles do not count it a second time here. ``shopper_key`` is kept for callers of the
    earlier signature: the throttles find the shopper in the request themselves.
    """
    _check(request, MESSAGE_THROTTLES, _("Too many messages; please wait a moment."))


def check_new_conversation(request: HttpRequest) -> None:
    """Count a new conversation against the shopper's and the client IP address's limits."""
    _check(request, CONVERSATION_THROTTLES, _("Too many new conversations; please wait a moment."))
