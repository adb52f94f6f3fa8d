"""One Redis read for every chat stream an event loop is relaying.

A stream that waited with an ``XREAD BLOCK`` of its own would cost a Redis connection and a
round trip for each event. Here each open stream subscribes to its reply's key with the event
loop's hub, and the hub's one blocking ``XREAD`` names every subscribed key at once; the events
it gets go to each subscriber's queue. A new subscription wakes the hub's read with
``CLIENT UNBLOCK``, so its key is read at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

#: Longest single wait of the hub's XREAD (a new subscription wakes it sooner).
HUB_BLOCK_MS = 5000

Decode = Callable[[Any], list[Any]]


class Subscription:
    """One stream's events from the hub, in order, after the cursor it subscribed with."""

    def __init__(self, key: str, after: int) -> None:
        self.key = key
        self.after = after
        self.queue: asyncio.Queue[list[Any] | BaseException] = asyncio.Queue()

    async def next(self, timeout: float) -> list[Any]:
        """The events that came since the last call (waits up to ``timeout`` seconds)."""
        try:
            item = await asyncio.wait_for(self.queue.get(), timeout) if timeout > 0 else (
                self.queue.get_nowait()
            )  # fmt: skip
        except (TimeoutError, asyncio.QueueEmpty):
            return []
        if isinstance(item, BaseException):
            raise item
        return item


class RedisStreamHub:
    """The hub of one event loop."""

    def __init__(self, url: str, decode: Decode) -> None:
        import redis.asyncio

        self._decode = decode
        # Its own connection: its client id is what CLIENT UNBLOCK names. The socket must
        # outwait the blocking read (redis-py's default of 5 s would cut it).
        self._reader = redis.asyncio.Redis.from_url(
            url, single_connection_client=True, socket_timeout=HUB_BLOCK_MS / 1000 + 30
        )
        self._control = redis.asyncio.Redis.from_url(url)
        self._subscriptions: set[Subscription] = set()
        self._task: asyncio.Task[None] | None = None
        self._reader_id: int | None = None
        self._round = 0  # counts the hub's reads; each names every key subscribed by then
        self._blocked = False
        self._woken = -1  # the round whose read a subscription has already woken

    @contextlib.asynccontextmanager
    async def subscribe(self, key: str, after: int) -> Any:
        subscription = Subscription(key, after)
        self._subscriptions.add(subscription)
        try:
            if self._task is None or self._task.done():
                self._task = asyncio.get_running_loop().create_task(self._run())
            elif self._woken != self._round:
                # This round's read was sent before the subscription: the next one names it.
                # One wake per round serves every subscription made during it.
                self._woken = self._round
                await self._wake(self._round)
            yield subscription
        finally:
            self._subscriptions.discard(subscription)

    async def _wake(self, round_seen: int) -> None:
        """Unblock the hub's XREAD, unless it starts a new read (naming the new key) anyway."""
        while self._round == round_seen and self._task is not None and not self._task.done():
            reader = self._reader_id
            if self._blocked and reader is not None and await self._control.client_unblock(reader):
                return
            await asyncio.sleep(0.001)  # the XREAD is on its way to Redis: try again

    async def _run(self) -> None:
        from redis.exceptions import RedisError

        try:
            self._reader_id = int(await self._reader.client_id())
            while self._subscriptions:
                self._round += 1
                cursors: dict[str, int] = {}
                for sub in self._subscriptions:
                    cursors[sub.key] = min(cursors.get(sub.key, sub.after), sub.after)
                self._blocked = True
                try:
                    reply = await self._reader.xread(
                        {key: f"{after}-1" for key, after in cursors.items()}, block=HUB_BLOCK_MS
                    )
                finally:
                    self._blocked = False
                self._hand_out(reply)
        except (RedisError, OSError) as exc:
            for sub in list(self._subscriptions):
                sub.queue.put_nowait(exc)
        finally:
            self._reader_id = None

    def _hand_out(self, reply: Any) -> None:
        if not reply:
            return
        by_key = {}
        for key, entries in reply:
            name = key.decode() if isinstance(key, bytes) else str(key)
            by_key[name] = self._decode([(key, entries)])
        for sub in list(self._subscriptions):
            events = [e for e in by_key.get(sub.key, ()) if e.seq > sub.after]
            if events:
                sub.after = events[-1].seq
                sub.queue.put_nowait(events)
