"""When to retry: which failures are worth another attempt, and how long to wait first."""

from __future__ import annotations

import datetime
import email.utils
import math
import time
from collections.abc import Callable, Mapping

from .errors import APIStatusError, LLMConnectionError, LLMError

BACKOFF_BASE = 0.5
BACKOFF_MAX = 8.0
RETRY_STATUSES = frozenset({408, 409, 429})


def is_retryable(error: LLMError) -> bool:
    """Connection failures, timeouts, 408, 409, 429 and 5xx are worth another attempt."""
    if isinstance(error, APIStatusError):
        return error.status_code in RETRY_STATUSES or error.status_code >= 500
    return isinstance(error, LLMConnectionError)


def counts_against_endpoint(error: BaseException) -> bool:
    """Whether a failed call says the endpoint is unhealthy (for the circuit breaker)."""
    if isinstance(error, APIStatusError):
        return error.status_code == 429 or error.status_code >= 500
    return isinstance(error, LLMConnectionError)


def backoff_delay(retry: int, random: Callable[[], float]) -> float:
    """Seconds to wait before retry number ``retry`` (0-based): 0.5 s doubling up to 8 s.

    Jitter takes up to a quarter off, so clients that failed together do not retry together.
    """
    delay = min(BACKOFF_BASE * 2.0**retry, BACKOFF_MAX)
    return delay * (1.0 - 0.25 * random())


def parse_retry_after(
    headers: Mapping[str, str], now: Callable[[], float] = time.time
) -> float | None:
    """The wait an HTTP response asks for, in seconds, or ``None``.

    Reads ``retry-after-ms`` (milliseconds) first, then ``Retry-After`` as seconds or as an
    HTTP date. Negative waits count as 0.
    """
    millis = _seconds(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:  # "-0000" dates parse naive; HTTP dates are always UTC
        moment = moment.replace(tzinfo=datetime.UTC)
    return max(moment.timestamp() - now(), 0.0)


def _seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if math.isnan(number):
        return None
    return max(number, 0.0)
