"""One Redis read for every chat stream an event loop is relaying.

Besides its reply's own stream (kept an hour, for readers that come late or reconnect), each
event is added to one shared stream of live events, trimmed to its last entries. Each event
loop's hub reads that one stream with a blocking ``XREAD`` and hands each event to the streams
of its reply that the loop relays; it skips the rest. So a read costs the same whatever the
number of open streams (a read that named every open stream's key cost more the more there
were), and a new stream needs no wake-up of the read in flight.

A stream reads its reply's own stream once as it subscribes: the events the hub read before the
subscription (and so skipped) are there, and events seen twice are dropped by number.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

#: The shared stream of live events, and about how many of its entries Redis keeps.
LIVE_KEY = "llmshop:chat:live"
LIVE_MAXLEN = 100_000
#: Longest single wait of the hub's XREAD, and the most entries one read takes (a hub that
#: fell behind catches up in steps, and the streams it relays get their events meanwhile).
HUB_BLOCK_MS = 5000
HUB_READ_COUNT = 5000
#: After a read that took at least ``HUB_BUSY_READ`` events (a busy hub), the next one starts no
#: sooner than ``HUB_MIN_ROUND_SECONDS`` after it: events that come meanwhile are read together
#: (without it, a steady stream of events makes a read per event or two). A read that waited,
#: or that took a few events, is not held back: a quiet hub's tokens wait for no round.
HUB_MIN_ROUND_SECONDS = 0.002
HUB_BUSY_READ = 8

#: Reads a reply's own stream: ``(message_id, after)`` to its events numbered above ``after``.
ReadBacklog = Callable[[int, int], Awaitable[list[Any]]]
#: Makes the buffer's event of ``(seq, kind, data)``.
MakeEvent = Callable[[int, str, str], Any]


class Subscription:
    """One stream's events from the hub, in order, after the cursor it subscribed with.

    A stream waits on one future of its own rather than ``asyncio.wait_for`` on a queue, which
    makes a task and a timer per event: at hundreds of open streams that was much of the
    relay's CPU.
    """

    def __init__(self, message_id: int, after: int) -> None:
        self.message_id = message_id
        self.after = after
        #: Events the hub holds back while it reads what the stream missed (None: it does not).
        self.held: list[Any] | None = None
        self._pending: list[Any] = []
        self._failure: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None

    def put(self, events: list[Any]) -> None:
        """Queue the events numbered above the last one queued (the rest came already)."""
        fresh = [e for e in events if e.seq > self.after]
        if fresh:
            self.after = fresh[-1].seq
            self._pending += fresh
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

    def __init__(self, url: str, read_backlog: ReadBacklog, make_event: MakeEvent) -> None:
        import redis.asyncio

        self._read_backlog = read_backlog
        self._make_event = make_event
        # Its own connection, for the blocking read. The socket must outwait the read
        # (redis-py's default of 5 s would cut it).
        self._reader = redis.asyncio.Redis.from_url(
            url, single_connection_client=True, socket_timeout=HUB_BLOCK_MS / 1000 + 30
        )
        # The read's reply is taken as the server sent it: redis-py would make a dict of each
        # entry's fields, for every event of every reply, before the hub skips most of them.
        self._reader.set_response_callback("XREAD", _as_sent)
        self._subscriptions: dict[int, set[Subscription]] = {}
        self._task: asyncio.Task[None] | None = None
        self._catching_up: set[asyncio.Task[None]] = set()
        self._starting = asyncio.Lock()
        self._cursor = ""

    @contextlib.asynccontextmanager
    async def subscribe(self, message_id: int, after: int) -> Any:
        subscription = Subscription(message_id, after)
        self._subscriptions.setdefault(message_id, set()).add(subscription)
        try:
            if self._task is None or self._task.done():
                async with self._starting:  # one start, and one command at a time on _reader
                    if self._task is None or self._task.done():
                        # From the live stream's last entry now: what comes later is read by
                        # the hub, what came before is in the reply's own stream, read next.
                        self._cursor = await self._last_id()
                        self._task = asyncio.get_running_loop().create_task(self._run())
            subscription.put(await self._read_backlog(message_id, subscription.after))
            yield subscription
        finally:
            subscribers = self._subscriptions.get(message_id)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscriptions[message_id]

    async def _last_id(self) -> str:
        last: Any = await self._reader.xrevrange(LIVE_KEY, count=1)
        return str(last[0][0].decode()) if last else "0-0"

    async def _run(self) -> None:
        from redis.exceptions import RedisError

        try:
            while self._subscriptions:
                started = time.monotonic()
                reply = await self._reader.xread(
                    {LIVE_KEY: self._cursor}, count=HUB_READ_COUNT, block=HUB_BLOCK_MS
                )
                read = self._hand_out(reply)
                rest = HUB_MIN_ROUND_SECONDS - (time.monotonic() - started)
                if read >= HUB_BUSY_READ and rest > 0:
                    await asyncio.sleep(rest)  # more events gather for the next read
        except (RedisError, OSError) as exc:
            for subs in list(self._subscriptions.values()):
                for sub in list(subs):
                    sub.fail(exc)
        finally:
            # Its connection goes with the last stream (the next read makes a new one), rather
            # than being closed by the garbage collector once the event loop may be gone.
            with contextlib.suppress(RedisError, OSError):
                await self._reader.aclose()
            if self._subscriptions:  # a stream subscribed while the connection was closing
                self._task = asyncio.get_running_loop().create_task(self._run())

    def _hand_out(self, reply: Any) -> int:
        """Each relayed reply's events to its subscribers, together; other replies' skipped.
        How many events the read took."""
        found: dict[int, list[Any]] = {}
        read = 0
        # RESP2 gives a list of [key, entries]; RESP3 a map of key to entries.
        for entries in reply.values() if isinstance(reply, dict) else (e for _, e in reply or ()):
            if entries:
                self._cursor = entries[-1][0].decode()
                read += len(entries)
            for _entry_id, fields in entries:
                message_id, seq, kind, data = _live_fields(fields)
                if message_id in self._subscriptions:
                    event = self._make_event(seq, kind.decode(), data.decode())
                    found.setdefault(message_id, []).append(event)
        for message_id, events in found.items():
            for sub in list(self._subscriptions.get(message_id, ())):
                self._offer(sub, events)
        return read

    def _offer(self, sub: Subscription, events: list[Any]) -> None:
        """Hand ``events`` to ``sub``; after a gap (the live stream was trimmed past a hub that
        fell behind), read the reply's own stream first, holding what comes meanwhile."""
        if sub.held is not None:
            sub.held += events
            return
        if not _follows(sub.after, events):
            sub.held = list(events)
            task = asyncio.get_running_loop().create_task(self._catch_up(sub))
            self._catching_up.add(task)
            task.add_done_callback(self._catching_up.discard)
            return
        sub.put(events)

    async def _catch_up(self, sub: Subscription) -> None:
        from redis.exceptions import RedisError

        try:
            missed = await self._read_backlog(sub.message_id, sub.after)
        except (RedisError, OSError) as exc:
            sub.held = None
            sub.fail(exc)
            return
        held, sub.held = sub.held or [], None
        sub.put(missed)
        sub.put(held)


def _as_sent(response: Any, **options: Any) -> Any:
    return response


def _live_fields(fields: list[bytes]) -> tuple[int, int, bytes, bytes]:
    """(message id, number, kind, data) of a live entry's flat field list.

    The append script writes the fields in one order, so they are taken by place; any other
    order (a writer of another version) is looked up by name."""
    if fields[0] == b"m" and fields[2] == b"s" and fields[4] == b"k" and fields[6:7] == [b"d"]:
        return int(fields[1]), int(fields[3]), fields[5], fields[7]
    named = dict(zip(fields[::2], fields[1::2], strict=False))
    return int(named[b"m"]), int(named[b"s"]), named[b"k"], named[b"d"]


def _follows(after: int, events: list[Any]) -> bool:
    """Whether ``events`` leave no number out after ``after`` (repeats are fine)."""
    expected = after + 1
    for event in events:
        if event.seq > expected:
            return False
        expected = max(expected, event.seq + 1)
    return True
