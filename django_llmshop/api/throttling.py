"""Rate limits of the anonymous writes: DRF throttles keyed per shopper and per client IP.

Each limit is a pair of throttles, one counted per shopper (the user, or the session of an
anonymous shopper) and one per client IP address (:func:`~.clientip.client_ip`), with the rate
read from an ``LLMSHOP`` setting at each request. They count in Django's default cache, so the
limits hold across processes and machines when that cache is shared (Redis, the database). A
Redis cache is used through one instance per process: under ASGI Django makes a cache instance
per request, and a Redis one a connection pool of its own, so each request would connect anew.

API views list them in ``throttle_classes``; plain views (the HTMX chat widget) count through
:func:`throttle_wait`. A request is counted at most once per throttle, whichever way comes
first, so a view that also calls a service which counts (``post_message``) is not counted twice.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle

from django_llmshop.api.clientip import client_ip
from django_llmshop.conf import llmshop_settings

#: Request attribute holding the throttles a request was already counted against.
COUNTED = "_llmshop_throttles_counted"
#: Request attribute holding the counts its throttles read and write together.
TOGETHER = "_llmshop_throttle_counts"

_process_caches: dict[str, BaseCache] = {}


def counting_cache() -> BaseCache:
    """The default cache; a Redis one as one instance for the whole process.

    Django keeps a cache instance per thread and per async context, i.e. per request under
    ASGI; a ``RedisCache`` instance opens its own connection pool, so every request made a new
    connection to Redis. Redis clients are thread-safe, so one instance serves every request.
    Other backends (some not thread-safe) are used as Django hands them out.
    """
    cache = caches[DEFAULT_CACHE_ALIAS]
    if not isinstance(cache, RedisCache):
        return cache
    shared = _process_caches.get(DEFAULT_CACHE_ALIAS)
    if shared is None:
        shared = caches.create_connection(DEFAULT_CACHE_ALIAS)
        _reuse_clients(shared)
        _process_caches[DEFAULT_CACHE_ALIAS] = shared
    return shared


def _reuse_clients(cache: BaseCache) -> None:
    """Have ``cache`` keep one redis-py client per connection pool.

    Django's Redis cache makes a new client for every operation, which builds its table of
    some 200 response callbacks each time (about 0.1 ms of CPU): two per throttled request.
    A client only holds its pool, so one per pool serves every operation and thread."""
    client: Any = getattr(cache, "_cache", None)
    make = getattr(client, "get_client", None)
    pool_index = getattr(client, "_get_connection_pool_index", None)
    if make is None or pool_index is None:  # another Django: its clients as it makes them
        return
    made: dict[int, Any] = {}

    def get_client(key: Any = None, *, write: bool = False) -> Any:
        index = pool_index(write)
        found = made.get(index)
        if found is None:
            found = made[index] = make(key, write=write)
        return found

    client.get_client = get_client


@receiver(setting_changed)
def _forget_process_caches(setting: str, **kwargs: Any) -> None:
    if setting == "CACHES":
        _process_caches.clear()


def ip_ident(request: Any) -> str:
    """The client's address; for IPv6 its /64 network, which one customer line usually gets
    whole, so that walking through the addresses of one's own network does not reset a limit."""
    address = client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return f"ip:{address}"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1 is that IPv4 address
            return f"ip:{parsed.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{parsed}/64', strict=False)}"
    return f"ip:{parsed}"


def shopper_ident(request: Any) -> str | None:
    """The user, or for an anonymous shopper the session; None without sessions."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    session = getattr(request, "session", None)
    if session is None:
        return None
    if session.session_key is None:
        # A first request has no session yet; made now, the request that created it is
        # counted too (the middleware sends its cookie once the view stores anything in it).
        session.save()
    return f"session:{session.session_key}"


class LimitThrottle(SimpleRateThrottle):
    """``LLMSHOP[limit_setting]`` requests per ``window`` seconds, per shopper or per IP.

    The window is ``LLMSHOP[window_setting]`` when a window setting is named. A limit of None
    turns the throttle off.
    """

    cache_format = "llmshop:throttle:%(scope)s:%(ident)s"
    limit_setting = ""
    window_setting = ""
    window = 60
    per = "shopper"  # or "ip"

    _together: Counts | None = None

    @property
    def cache(self) -> Any:  # type: ignore[override]
        return self._together or counting_cache()

    def get_rate(self) -> str | None:
        limit = getattr(llmshop_settings, self.limit_setting)
        if limit is None:
            return None
        window = getattr(llmshop_settings, self.window_setting) if self.window_setting else None
        return f"{int(limit)}/{int(window or self.window)}"

    def parse_rate(self, rate: str | None) -> tuple[int | None, int | None]:
        # Seconds rather than DRF's s/m/h/d: the window settings are numbers of seconds.
        if rate is None:
            return (None, None)
        number, seconds = rate.split("/")
        return int(number), max(int(seconds), 1)

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        ident = shopper_ident(request) if self.per == "shopper" else ip_ident(request)
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Any, view: Any) -> bool:
        # The plain HttpRequest under a DRF Request, so both ways see the same mark.
        counted = getattr(request, "_request", request).__dict__.setdefault(COUNTED, set())
        if type(self) in counted:
            return True
        counted.add(type(self))
        self._together = getattr(request, "_request", request).__dict__.get(TOGETHER)
        return bool(super().allow_request(request, view))

    def wait(self) -> float:
        # DRF gives None when a lowered limit leaves fewer than one request free; a 429 must
        # still say when to come back, and a whole window is a safe answer.
        wait = super().wait()
        return float(wait if wait is not None else getattr(self, "duration", None) or 1)


class ConversationShopperThrottle(LimitThrottle):
    scope = "chat_conversation"
    limit_setting = "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION"
    window_setting = "CHAT_RATE_LIMIT_WINDOW"


class ConversationIPThrottle(ConversationShopperThrottle):
    limit_setting = "CHAT_CONVERSATION_RATE_LIMIT_PER_IP"
    per = "ip"


class MessageShopperThrottle(LimitThrottle):
    scope = "chat_message"
    limit_setting = "CHAT_RATE_LIMIT_PER_SESSION"
    window_setting = "CHAT_RATE_LIMIT_WINDOW"


class MessageIPThrottle(MessageShopperThrottle):
    limit_setting = "CHAT_RATE_LIMIT_PER_IP"
    per = "ip"


class EventShopperThrottle(LimitThrottle):
    scope = "recommend_event"
    limit_setting = "RECOMMEND_EVENT_RATE_LIMIT"


class EventIPThrottle(EventShopperThrottle):
    per = "ip"


#: Starting a chat (the API's POST, and the widget's first message).
CONVERSATION_THROTTLES: list[type[LimitThrottle]] = [
    ConversationShopperThrottle,
    ConversationIPThrottle,
]
#: Every write to an existing chat: messages, retries, handoffs, ratings.
MESSAGE_THROTTLES: list[type[LimitThrottle]] = [MessageShopperThrottle, MessageIPThrottle]
#: Recording a shopper event.
EVENT_THROTTLES: list[type[LimitThrottle]] = [EventShopperThrottle, EventIPThrottle]


class Counts:
    """One request's throttle counts, read from the cache together (one ``get_many``) and
    written together (one ``set_many`` per window): a round trip to the cache each, not two
    per throttle."""

    def __init__(self, cache: BaseCache, keys: list[str]) -> None:
        self._cache = cache
        self._values = cache.get_many(keys) if keys else {}
        self._read = set(keys)
        self._writes: dict[int, dict[str, Any]] = {}

    def get(self, key: str, default: Any = None) -> Any:
        if key not in self._read:
            return self._cache.get(key, default)
        return self._values.get(key, default)

    def set(self, key: str, value: Any, timeout: int) -> None:
        self._values[key] = value
        self._writes.setdefault(timeout, {})[key] = value

    def write(self) -> None:
        for timeout, values in self._writes.items():
            self._cache.set_many(values, timeout)
        self._writes = {}


@contextmanager
def counted_together(request: Any, throttles: Iterable[Any]) -> Iterator[None]:
    """Within it, ``throttles`` count ``request`` through one :class:`Counts`."""
    plain = getattr(request, "_request", request)
    if TOGETHER in plain.__dict__:  # an outer block counts already
        yield
        return
    counted = plain.__dict__.get(COUNTED, set())
    keys = []
    for throttle in throttles:
        if isinstance(throttle, LimitThrottle) and type(throttle) not in counted:
            key = throttle.get_cache_key(request, None) if throttle.rate is not None else None
            if key is not None:
                keys.append(key)
    counts = plain.__dict__[TOGETHER] = Counts(counting_cache(), keys)
    try:
        yield
    finally:
        del plain.__dict__[TOGETHER]
        counts.write()


def throttle_wait(request: HttpRequest, throttles: Iterable[type[LimitThrottle]]) -> float | None:
    """Count ``request`` against each throttle as an API view would; None when it may go on,
    else the seconds to wait (as DRF: every throttle is asked, the longest wait wins)."""
    waits = []
    instances = [throttle_class() for throttle_class in throttles]
    with counted_together(request, instances):
        for throttle in instances:
            if not throttle.allow_request(request, None):
                waits.append(throttle.wait())
    return max(waits) if waits else None
