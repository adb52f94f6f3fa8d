"""An endpoint's limits shared by every process and host, kept in Redis.

Three limits, each optional: requests in flight at once (a semaphore whose slots are leases that
expire, so a crashed process cannot keep its slots), requests per minute and tokens per minute
(a sliding window of one-second buckets). One Lua script checks and takes all three at once,
with Redis's clock, so hosts whose clocks differ still agree. A caller that finds every slot
taken blocks on a wake-up list that each release pushes to; one that finds the minute used up
sleeps until enough of it has slid past.

Tokens are counted when a request starts, as an estimate from its size, and corrected by the
usage the endpoint reports when it ends (:meth:`SharedLimiter.settle`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .errors import EndpointBusyError
from .limiter_scripts import ACQUIRE, RELEASE, RENEW

logger = logging.getLogger("django_llmshop.llm.limiter")

WINDOW_SECONDS = 60
#: Longest single wait on the wake-up list: slots freed by expiry push no wake-up.
WAKE_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class SharedLimits:
    """The limits of one endpoint, for all its users together; ``None`` leaves one unlimited.

    ``lease`` is how long a slot stays taken without being renewed: a process that dies while
    holding it frees it after that long.
    """

    name: str
    concurrency: int | None = None
    requests_per_minute: int | None = None
    tokens_per_minute: int | None = None
    lease: float = 70.0


class Lease:
    """One admitted request: its slot (if concurrency is limited) and its window bucket."""

    __slots__ = ("holder", "renewed", "second", "tokens")

    def __init__(self, holder: str, second: int, tokens: int) -> None:
        self.holder = holder
        self.second = second
        self.tokens = tokens
        self.renewed = time.monotonic()


class SharedLimiter:
    """The Redis side of an endpoint's :class:`SharedLimits`, for sync and asyncio callers.

    Thread-safe; async callers get a Redis connection pool per event loop. When Redis cannot
    be reached the request goes ahead under the process's own limit, with a warning logged:
    a Redis outage should not stop the shop's LLM features.
    """

    def __init__(self, url: str, limits: SharedLimits) -> None:
        self.url = url
        self.limits = limits
        tag = "{llmshop:limit:" + limits.name + "}"  # one hash slot: scripts touch all keys
        self._slots_key, self._window_key, self._wake_key = (
            f"{tag}:slots",
            f"{tag}:window",
            f"{tag}:wake",
        )
        self._host = f"{socket.gethostname()}:{os.getpid()}"
        self._sync: Any = None
        self._scripts: tuple[Any, ...] = ()
        self._lock = threading.Lock()

    # -- shared steps -------------------------------------------------------------------------

    def _acquire_args(self, holder: str, tokens: int) -> list[int | str]:
        limits = self.limits
        return [
            holder,
            limits.concurrency or 0,
            round(limits.lease * 1000),
            limits.requests_per_minute or 0,
            limits.tokens_per_minute or 0,
            max(0, tokens),
            WINDOW_SECONDS,
        ]

    def _holder(self) -> str:
        return f"{self._host}:{uuid.uuid4().hex[:12]}"

    def _busy(self, waited: float, full: bool) -> EndpointBusyError:
        what = "a free slot" if full else "room in the per-minute limits"
        return EndpointBusyError(
            f"endpoint {self.limits.name!r}: waited {waited:.1f}s for {what}", waited=waited
        )

    def _due(self, lease: Lease) -> bool:
        return bool(self.limits.concurrency) and (
            time.monotonic() - lease.renewed > self.limits.lease / 3
        )

    def _unavailable(self, exc: Exception) -> None:
        logger.warning("shared limits of %r not applied, Redis failed: %s", self.limits.name, exc)

    # -- sync ---------------------------------------------------------------------------------

    def _client(self) -> Any:
        with self._lock:
            if self._sync is None:
                import redis

                client = redis.Redis.from_url(self.url)
                self._scripts = tuple(map(client.register_script, (ACQUIRE, RELEASE, RENEW)))
                self._sync = client
            return self._sync

    def acquire(self, tokens: int, timeout: float) -> Lease | None:
        """Wait up to ``timeout`` seconds for admission; ``None`` if Redis failed."""
        import redis

        holder, started = self._holder(), time.monotonic()
        keys = [self._slots_key, self._window_key]
        try:
            client = self._client()
            while True:
                admitted, value = self._scripts[0](keys, self._acquire_args(holder, tokens))
                if admitted:
                    return Lease(holder, int(value), tokens)
                left = started + timeout - time.monotonic()
                if left <= 0 or value / 1000 > left:
                    raise self._busy(time.monotonic() - started, full=value == 0)
                if value == 0:
                    client.blpop([self._wake_key], timeout=min(left, WAKE_POLL_SECONDS))
                else:
                    time.sleep(value / 1000)
        except redis.RedisError as exc:
            self._unavailable(exc)
            return None

    def release(self, lease: Lease) -> None:
        import redis

        if not self.limits.concurrency:
            return
        try:
            self._scripts[1](
                [self._slots_key, self._wake_key], [lease.holder, self.limits.concurrency]
            )
        except redis.RedisError as exc:
            self._unavailable(exc)  # the lease expires by itself

    def renew(self, lease: Lease) -> None:
        """Keep a long request's slot: call it as data arrives; it talks to Redis rarely."""
        import redis

        if not self._due(lease):
            return
        lease.renewed = time.monotonic()
        try:
            if not self._scripts[2]([self._slots_key], [lease.holder, self._lease_ms]):
                logger.warning("a lease on %r expired while in use", self.limits.name)
        except redis.RedisError as exc:
            self._unavailable(exc)

    def settle(self, lease: Lease, tokens: int) -> None:
        """Count the tokens a request really used in place of its estimate."""
        import redis

        if not self.limits.tokens_per_minute or tokens <= 0 or tokens == lease.tokens:
            return
        try:
            pipe = self._client().pipeline(transaction=False)
            pipe.hincrby(self._window_key, f"t{lease.second}", tokens - lease.tokens)
            pipe.pexpire(self._window_key, (WINDOW_SECONDS + 2) * 1000)
            pipe.execute()
        except redis.RedisError as exc:
            self._unavailable(exc)

    @property
    def _lease_ms(self) -> int:
        return round(self.limits.lease * 1000)

    def for_asyncio(self) -> AsyncSharedLimiter:
        """An asyncio view, with its own connections: make one per event loop, and close it."""
        return AsyncSharedLimiter(self)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None


class AsyncSharedLimiter:
    """The asyncio calls of a :class:`SharedLimiter`, bound to the event loop first used in."""

    def __init__(self, shared: SharedLimiter) -> None:
        self.shared = shared
        self.limits = shared.limits
        self._entry: tuple[Any, tuple[Any, ...]] | None = None

    def _client(self) -> tuple[Any, tuple[Any, ...]]:
        if self._entry is None:
            import redis.asyncio

            client = redis.asyncio.Redis.from_url(self.shared.url)
            scripts = tuple(map(client.register_script, (ACQUIRE, RELEASE, RENEW)))
            self._entry = (client, scripts)
        return self._entry

    async def acquire(self, tokens: int, timeout: float) -> Lease | None:
        """:meth:`SharedLimiter.acquire` for asyncio."""
        import redis

        shared = self.shared
        holder, started = shared._holder(), time.monotonic()
        keys = [shared._slots_key, shared._window_key]
        try:
            client, scripts = self._client()
            while True:
                admitted, value = await scripts[0](keys, shared._acquire_args(holder, tokens))
                if admitted:
                    return Lease(holder, int(value), tokens)
                left = started + timeout - time.monotonic()
                if left <= 0 or value / 1000 > left:
                    raise shared._busy(time.monotonic() - started, full=value == 0)
                if value == 0:
                    await client.blpop([shared._wake_key], timeout=min(left, WAKE_POLL_SECONDS))
                else:
                    await asyncio.sleep(value / 1000)
        except redis.RedisError as exc:
            shared._unavailable(exc)
            return None

    async def release(self, lease: Lease) -> None:
        import redis

        shared = self.shared
        if not self.limits.concurrency:
            return
        try:
            _client, scripts = self._client()
            keys = [shared._slots_key, shared._wake_key]
            await scripts[1](keys, [lease.holder, self.limits.concurrency])
        except redis.RedisError as exc:
            shared._unavailable(exc)

    async def renew(self, lease: Lease) -> None:
        import redis

        shared = self.shared
        if not shared._due(lease):
            return
        lease.renewed = time.monotonic()
        try:
            _client, scripts = self._client()
            if not await scripts[2]([shared._slots_key], [lease.holder, shared._lease_ms]):
                logger.warning("a lease on %r expired while in use", self.limits.name)
        except redis.RedisError as exc:
            shared._unavailable(exc)

    async def settle(self, lease: Lease, tokens: int) -> None:
        import redis

        shared = self.shared
        if not self.limits.tokens_per_minute or tokens <= 0 or tokens == lease.tokens:
            return
        try:
            client, _scripts = self._client()
            async with client.pipeline(transaction=False) as pipe:
                pipe.hincrby(shared._window_key, f"t{lease.second}", tokens - lease.tokens)
                pipe.pexpire(shared._window_key, (WINDOW_SECONDS + 2) * 1000)
                await pipe.execute()
        except redis.RedisError as exc:
            shared._unavailable(exc)

    async def aclose(self) -> None:
        if self._entry is not None:
            client, self._entry = self._entry[0], None
            await client.aclose()
