"""Limits checked before anything reaches a model: message size and per-shopper/IP rates."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

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


def _hit(key: str, limit: int, window: int) -> int | None:
    """Count one hit in the current fixed window; the seconds to wait when over the limit."""
    now = int(time.time())
    slot = now // window
    full_key = f"llmshop:chat:rate:{key}:{slot}"
    cache.add(full_key, 0, timeout=window + 1)
    try:
        count = cache.incr(full_key)
    except ValueError:  # expired between add and incr
        cache.set(full_key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        return (slot + 1) * window - now
    return None


def check_rate(request: HttpRequest, shopper_key: str) -> None:
    """Count a message against the shopper's and the IP address's limits."""
    window = int(llmshop_settings.CHAT_RATE_LIMIT_WINDOW)
    for key, limit in (
        (f"shopper:{shopper_key}", int(llmshop_settings.CHAT_RATE_LIMIT_PER_SESSION)),
        (f"ip:{request.META.get('REMOTE_ADDR', '')}", int(llmshop_settings.CHAT_RATE_LIMIT_PER_IP)),
    ):
        wait = _hit(key, limit, window)
        if wait is not None:
            raise RateLimited(
                _("Too many messages; please wait a moment."), retry_after=max(wait, 1)
            )
