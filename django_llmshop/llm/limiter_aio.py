"""The asyncio calls of a :class:`~.limiter.SharedLimiter` (the same steps, awaited)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from .limiter import WINDOW_SECONDS, Lease, SharedLimiter, connection_options, logger
from .limiter_scripts import ACQUIRE, RELEASE, RENEW


class AsyncSharedLimiter:
    """The asyncio calls of a :class:`SharedLimiter`, bound to the event loop first used in."""

    def __init__(self, shared: SharedLimiter) -> None:
        self.shared = shared
        self.limits = shared.limits
        self._entry: tuple[Any, tuple[Any, ...]] | None = None

    def _client(self) -> tuple[Any, tuple[Any, ...]]:
        if self._entry is None:
            import redis.asyncio

            client = redis.asyncio.Redis.from_url(self.shared.url, **connection_options())
            scripts = tuple(map(client.register_script, (ACQUIRE, RELEASE, RENEW)))
            self._entry = (client, scripts)
        return self._entry

    async def acquire(self, tokens: int, timeout: float) -> Lease | None:
        """:meth:`SharedLimiter.acquire` for asyncio."""
        import redis

        shared = self.shared
        holder, started = shared._new_holder(), time.monotonic()
        keys, args = shared._acquire_call(holder, tokens)
        try:
            client, scripts = self._client()
            try:
                while True:
                    reply = await scripts[0](keys, args)
                    if lease := shared._admitted(holder, reply, tokens):
                        return lease
                    wait = shared._next_wait(reply[1], started, timeout)
                    if reply[1]:
                        await asyncio.sleep(wait)
                    else:
                        woken = await client.blpop([shared._wake_key(holder)], wait)
                        if lease := shared._handed_over(woken, holder, tokens):
                            return lease
            except BaseException:
                # Shielded: a cancelled wait must still pass on a slot handed over meanwhile.
                await asyncio.shield(scripts[1](*shared._release_call(holder)))
                raise
        except redis.RedisError as exc:
            shared._unavailable(exc)
            return None

    async def release(self, lease: Lease) -> None:
        import redis

        if not self.limits.concurrency:
            return
        try:
            _client, scripts = self._client()
            await scripts[1](*self.shared._release_call(lease.holder))
        except redis.RedisError as exc:
            self.shared._unavailable(exc)

    async def renew(self, lease: Lease) -> None:
        import redis

        shared = self.shared
        if not shared._due(lease):
            return
        lease.renewed = time.monotonic()
        try:
            _client, scripts = self._client()
            if not await scripts[2]([shared._slots], [lease.holder, shared._lease_ms]):
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
                pipe.hincrby(shared._window, f"t{lease.second}", tokens - lease.tokens)
                pipe.pexpire(shared._window, (WINDOW_SECONDS + 2) * 1000)
                await pipe.execute()
        except redis.RedisError as exc:
            shared._unavailable(exc)

    async def aclose(self) -> None:
        if self._entry is not None:
            client, self._entry = self._entry[0], None
            await client.aclose()
