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
import time
from collections.abc import Callable
from typing import Any

#: Longest single wait of the hub's XREAD (a new subscription wakes it sooner).
HUB_BLOCK_MS = 5000
#: Shortest time between the starts of two of the hub's reads. Each read names every open
#: stream's key, so with many streams a read per arriving event cost the web process more
#: CPU than the relaying itself; a read that waited at least this long is not held back.
HUB_MIN_ROUND_SECONDS = 0.01

Decode = Callable[[Any], list[Any]]


class Subscription:
    """One stream's events from the hub, in order, after the cursor it subscribed with.

    A stream waits on one future of its own rather than ``asyncio.wait_for`` on a queue, which
    makes a task and a timer per event: at hundreds of open streams that was much of the
    relay's CPU.
    """

    def __init__(self, key: str, after: int) -> None:
        self.key = key
        self.after = after
        self._pending: list[Any] = []
        self._failure: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put(self, events: list[Any]) -> None:
        self._pending += events
        self._wake()

    def fail(self, exc: BaseException) -> None:
        self._failure = exc
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def next(self, timeout: float) -> list[Any]:
        """The events that came since the last call (waits up to ``timeout`` seconds)."""
        if not self._pending and self._failure is None and timeout > 0:
            loop = asyncio.get_running_loop()
            self._waiter = loop.create_future()
            timer = loop.call_later(timeout, self._wake)
            try:
                await self._waiter
            finally:
                timer.cancel()
                self._waiter = None
        if self._pending:  # events that came before a failure are still the stream's
            events, self._pending = self._pending, []
            return events
        if self._failure is not None:
            raise self._failure
        return []


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
        self._subscriptions: dict[str, set[Subscription]] = {}
        self._task: asyncio.Task[None] | None = None
        self._reader_id: int | None = None
        self._round = 0  # counts the hub's reads; each names every key subscribed by then
        self._blocked = False
        self._woken = -1  # the round whose read a subscription has already woken

    @contextlib.asynccontextmanager
    async def subscribe(self, key: str, after: int) -> Any:
        subscription = Subscription(key, after)
        self._subscriptions.setdefault(key, set()).add(subscription)
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
            subscribers = self._subscriptions.get(key)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscriptions[key]

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
                started = time.monotonic()
                cursors: dict[Any, Any] = {
                    key: f"{min(sub.after for sub in subs)}-1"
                    for key, subs in self._subscriptions.items()
                }
                self._blocked = True
                try:
                    reply = await self._reader.xread(cursors, block=HUB_BLOCK_MS)
                finally:
                    self._blocked = False
                self._hand_out(reply)
                rest = HUB_MIN_ROUND_SECONDS - (time.monotonic() - started)
                if rest > 0:
                    await asyncio.sleep(rest)  # more events gather for the next read
        except (RedisError, OSError) as exc:
            for subs in list(self._subscriptions.values()):
                for sub in list(subs):
                    sub.fail(exc)
        finally:
            self._reader_id = None
            # Its connection goes with the last stream (the next read makes a new one), rather
            # than being closed by the garbage collector once the event loop may be gone.
            with contextlib.suppress(RedisError, OSError):
                await self._reader.aclose()
            if self._subscriptions:  # a stream subscribed while the connection was closing
                self._task = asyncio.get_running_loop().create_task(self._run())

    def _hand_out(self, reply: Any) -> None:
        """Each key's events to that key's subscribers only (not a pass over every stream)."""
        for key, entries in reply or ():
            name = key.decode() if isinstance(key, bytes) else str(key)
            subscribers = self._subscriptions.get(name)
            if not subscribers:
                continue
            decoded = self._decode([(key, entries)])
            for sub in list(subscribers):
                events = [e for e in decoded if e.seq > sub.after]
                if events:
                    sub.after = events[-1].seq
                    sub.put(events)
