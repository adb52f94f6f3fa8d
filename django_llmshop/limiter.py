"""Each endpoint's shared limits, built from ``LLMSHOP`` (the limiter is in :mod:`.llm.limiter`).

An endpoint with ``SHARED_MAX_CONCURRENCY``, ``REQUESTS_PER_MINUTE`` or ``TOKENS_PER_MINUTE``
gets one :class:`SharedLimiter` per process, on ``LIMITER_REDIS_URL``. Without that URL there
is nothing to share the limits through: each process keeps to its own ``MAX_CONCURRENCY``, and
the system check ``llmshop.W002`` says so.
"""

from __future__ import annotations

import threading

from django_llmshop.conf import Endpoint, llmshop_settings, on_reload
from django_llmshop.llm.limiter import SharedLimiter, SharedLimits

#: Seconds a slot outlives the endpoint's TIMEOUT before another process may reclaim it. A
#: request alive that long has stalled (reads time out after TIMEOUT), and streams renew theirs.
LEASE_MARGIN = 10.0

_lock = threading.Lock()
_limiters: dict[str, SharedLimiter | None] = {}


def shared_limits(endpoint: Endpoint) -> SharedLimits | None:
    """The endpoint's shared limits, or ``None`` when it has none."""
    limits = SharedLimits(
        name=endpoint.alias,
        concurrency=endpoint.shared_max_concurrency,
        requests_per_minute=endpoint.requests_per_minute,
        tokens_per_minute=endpoint.tokens_per_minute,
        lease=endpoint.timeout + LEASE_MARGIN,
    )
    if limits.concurrency or limits.requests_per_minute or limits.tokens_per_minute:
        return limits
    return None


def limiter_for(endpoint: Endpoint) -> SharedLimiter | None:
    """This process's limiter of ``endpoint``; ``None`` without shared limits or Redis."""
    if endpoint.alias in _limiters:
        return _limiters[endpoint.alias]
    with _lock:
        if endpoint.alias not in _limiters:
            url = llmshop_settings.LIMITER_REDIS_URL
            limits = shared_limits(endpoint)
            _limiters[endpoint.alias] = (
                SharedLimiter(url, limits) if url and limits is not None else None
            )
        return _limiters[endpoint.alias]


@on_reload
def close_limiters() -> None:
    """Forget the limiters (settings changed); their connections close."""
    with _lock:
        for limiter in _limiters.values():
            if limiter is not None:
                limiter.close()
        _limiters.clear()
