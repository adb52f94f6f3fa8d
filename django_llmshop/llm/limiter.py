"""An endpoint's limits shared by every process and host, kept in Redis.

Three limits, each optional: requests in flight at once (a semaphore whose slots are leases that
expire, so a crashed process cannot keep its slots), requests per minute and tokens per minute
(a sliding window of one-second buckets). One Lua script checks and takes all three at once,
with Redis's clock, so hosts whose clocks differ still agree. A caller that finds every slot
taken joins a queue and blocks on its own wake-up list; a release hands the slot to the oldest
waiter still alive. A caller that finds the minute used up sleeps until enough has slid past.

Tokens are counted when a request starts, as an estimate from its size, and corrected by the
usage the endpoint reports when it ends (:meth:`SharedLimiter.settle`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import EndpointBusyError
from .limiter_scripts import ACQUIRE, RELEASE, RENEW

if TYPE_CHECKING:
    from .limiter_aio import AsyncSharedLimiter

logger = logging.getLogger("django_llmshop.llm.limiter")

WINDOW_SECONDS = 60
#: Longest single wait on the wake-up list: slots freed by expiry push no wake-up.
WAKE_POLL_SECONDS = 0.5
#: How long a waiter stays in the queue after its last sign of life (a dead one is skipped).
ALIVE_SECONDS = WAKE_POLL_SECONDS + 2.0


def connection_options() -> dict[str, Any]:
    """Options of the Redis clients: no CLIENT SETINFO round trips on each new connection (a
    batch opens one per call waiting at once). redis-py 7 names the option ``driver_info``."""
    import importlib.util

    if importlib.util.find_spec("redis.driver_info") is not None:
        return {"driver_info": None}
    return {"lib_name": None, "lib_version": None}


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
    """One admitted request: its slot (if concurrency is limited) and its window bucket.

    ``share``: the slots this process may hold and still pass one to a further call of its own
    (the concurrency divided among the processes that held or waited for slots when this one
    was taken); ``passes`` counts the calls it served in turn.
    """

    __slots__ = ("holder", "passes", "renewed", "second", "share", "tokens")

    def __init__(self, holder: str, second: int, tokens: int, *, share: int = 0) -> None:
        self.holder = holder
        self.second = second
        self.tokens = tokens
        self.share = share
        self.renewed = time.monotonic()
        self.passes = 0


class SharedLimiter:
    """The Redis side of an endpoint's :class:`SharedLimits`, for threads.

    Thread-safe; :meth:`for_asyncio` gives the calls for an event loop. When Redis cannot be
    reached, the request goes ahead under the process's own limit, with a warning logged: a
    Redis outage should not stop the shop's LLM features.
    """

    def __init__(self, url: str, limits: SharedLimits) -> None:
        self.url = url
        self.limits = limits
        self.prefix = "{llmshop:limit:" + limits.name + "}"  # one hash slot for every key
        self._slots, self._window, self._queue = (
            f"{self.prefix}:slots",
            f"{self.prefix}:window",
            f"{self.prefix}:queue",
        )
        self._host = f"{socket.gethostname()}:{os.getpid()}"
        self._sync: Any = None
        self._scripts: tuple[Any, ...] = ()
        self._lock = threading.Lock()

    # -- what both kinds of caller send -------------------------------------------------------

    def _new_holder(self) -> str:
        return f"{self._host}:{uuid.uuid4().hex[:12]}"

    def _acquire_call(self, holder: str, tokens: int) -> tuple[list[str], list[int | str]]:
        limits = self.limits
        keys = [self._slots, self._window, self._queue, f"{self.prefix}:alive:{holder}"]
        args: list[int | str] = [
            holder,
            limits.concurrency or 0,
            self._lease_ms,
            limits.requests_per_minute or 0,
            limits.tokens_per_minute or 0,
            max(0, tokens),
            WINDOW_SECONDS,
            round(ALIVE_SECONDS * 1000),
        ]
        return keys, args

    def _release_call(self, holder: str) -> tuple[list[str], list[int | str]]:
        keys = [self._slots, self._queue, f"{self.prefix}:alive:{holder}"]
        return keys, [holder, self.limits.concurrency or 0, self._lease_ms, self.prefix]

    def _wake_key(self, holder: str) -> str:
        return f"{self.prefix}:wake:{holder}"

    @property
    def _lease_ms(self) -> int:
        return round(self.limits.lease * 1000)

    def _next_wait(self, value: int, started: float, timeout: float) -> float:
        """Seconds to wait after a refusal, or raise ``EndpointBusyError`` when out of time."""
        left = started + timeout - time.monotonic()
        if left <= 0 or value / 1000 > left:
            what = "room in the per-minute limits" if value else "a free slot"
            waited = time.monotonic() - started
            raise EndpointBusyError(
                f"endpoint {self.limits.name!r}: waited {waited:.1f}s for {what}", waited=waited
            )
        return value / 1000 if value else min(left, WAKE_POLL_SECONDS)

    @staticmethod
    def _admitted(holder: str, reply: list[int], tokens: int) -> Lease | None:
        """The lease an admitting reply of the acquire script gives, else ``None``."""
        if not reply[0]:
            return None
        return Lease(holder, int(reply[1]), tokens, share=int(reply[2]))

    def _handed_over(self, woken: Any, holder: str, tokens: int) -> Lease | None:
        """The lease a wake-up gives on its own: the slot was handed over, and no window
        applies (else the script runs again, and admits)."""
        limits = self.limits
        if not woken or limits.requests_per_minute or limits.tokens_per_minute:
            return None
        return Lease(holder, 0, tokens, share=int(woken[1]))

    @property
    def passes_locally(self) -> bool:
        """Whether a slot may pass from call to call inside a process: only when concurrency is
        the one limit (a call that skips the script would skip the per-minute windows)."""
        limits = self.limits
        return bool(limits.concurrency) and not (
            limits.requests_per_minute or limits.tokens_per_minute
        )

    def _due(self, lease: Lease) -> bool:
        return bool(self.limits.concurrency) and (
            time.monotonic() - lease.renewed > self.limits.lease / 3
        )

    def _unavailable(self, exc: Exception) -> None:
        logger.warning("shared limits of %r not applied, Redis failed: %s", self.limits.name, exc)

    # -- threads --------------------------------------------------------------------------------

    def _client(self) -> Any:
        with self._lock:
            if self._sync is None:
                import redis

                client = redis.Redis.from_url(self.url, **connection_options())
                self._scripts = tuple(map(client.register_script, (ACQUIRE, RELEASE, RENEW)))
                self._sync = client
            return self._sync

    def acquire(self, tokens: int, timeout: float) -> Lease | None:
        """Wait up to ``timeout`` seconds for admission; ``None`` if Redis failed."""
        import redis

        holder, started = self._new_holder(), time.monotonic()
        keys, args = self._acquire_call(holder, tokens)
        try:
            client = self._client()
            try:
                while True:
                    reply = self._scripts[0](keys, args)
                    if lease := self._admitted(holder, reply, tokens):
                        return lease
                    wait = self._next_wait(reply[1], started, timeout)
                    if reply[1]:
                        time.sleep(wait)
                    else:
                        woken = client.blpop([self._wake_key(holder)], wait)
                        if lease := self._handed_over(woken, holder, tokens):
                            return lease
            except BaseException:
                self._scripts[1](*self._release_call(holder))  # a slot handed over meanwhile
                raise
        except redis.RedisError as exc:
            self._unavailable(exc)
            return None

    def release(self, lease: Lease) -> None:
        import redis

        if not self.limits.concurrency:
            return
        try:
            self._scripts[1](*self._release_call(lease.holder))
        except redis.RedisError as exc:
            self._unavailable(exc)  # the lease expires by itself

    def renew(self, lease: Lease) -> None:
        """Keep a long request's slot: call it as data arrives; it talks to Redis rarely."""
        import redis

        if not self._due(lease):
            return
        lease.renewed = time.monotonic()
        try:
            if not self._scripts[2]([self._slots], [lease.holder, self._lease_ms]):
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
            pipe.hincrby(self._window, f"t{lease.second}", tokens - lease.tokens)
            pipe.pexpire(self._window, (WINDOW_SECONDS + 2) * 1000)
            pipe.execute()
        except redis.RedisError as exc:
            self._unavailable(exc)

    def for_asyncio(self) -> AsyncSharedLimiter:
        """The calls for asyncio, with their own connections: one per event loop; close it."""
        from .limiter_aio import AsyncSharedLimiter

        return AsyncSharedLimiter(self)

    def close(self) -> None:
        if self._sync is not None:
            self._sync.close()
            self._sync = None
