"""Stream buffers: where the reply task leaves tokens and the stream view picks them up.

Two backends with one small interface: Redis streams (``CHAT_STREAM_REDIS_URL`` set) and rows
in the database. Events are numbered 1, 2, 3 ... per message, so a reader resumes after the
last number it saw (the SSE ``Last-Event-ID``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import time
import weakref
from abc import ABC, abstractmethod
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async

from django_llmshop.conf import llmshop_settings, on_reload
from django_llmshop.support.streamappend import APPEND_SCRIPT, refusals, script_args
from django_llmshop.support.streambatch import AppendBatcher, Event, EventSource
from django_llmshop.support.streamhub import LIVE_KEY, LIVE_MAXLEN, RedisStreamHub
from django_llmshop.support.streamsend import ScriptCall, script_caller

TOKEN, DONE, ERROR = "token", "done", "error"
FINAL_KINDS = (DONE, ERROR)
# Redis keys live this long after the last write: long enough for a late reader.
REDIS_TTL_SECONDS = 3600
# Above any blocking read's wait (redis-py's default of 5 s would cut a 5 s XREAD BLOCK).
SOCKET_TIMEOUT = 60.0
#: A process's Redis connections for the buffer: a worker's reply threads (or a web process's
#: opening streams) beyond this many wait for one instead of failing with redis-py's "Too many
#: connections" (its pools hold 100 and refuse the next).
POOL_OPTIONS: dict[str, Any] = {
    "max_connections": 100,
    "timeout": SOCKET_TIMEOUT,
    "socket_timeout": SOCKET_TIMEOUT,
}


@dataclass(frozen=True)
class StreamEvent:
    seq: int
    kind: str  # "token", "done" or "error"
    data: str  # JSON text

    def decoded(self) -> Any:
        return json.loads(self.data)


class StreamBuffer(ABC):
    """Append-only, numbered events per message, readable by any number of readers."""

    #: Tokens are gathered this long before they are written (a database row per token is slow).
    flush_interval: float = 0.0

    #: Whether :meth:`enqueue` works: the reply task then streams in the process's event loop.
    writes_async: bool = False

    @abstractmethod
    def append(self, message_id: int, seq: int, kind: str, data: str) -> None: ...

    def enqueue(self, source: EventSource) -> None:
        """Where ``writes_async``: ``source``'s next event is taken and written with the event
        loop's next batch of writes (see :mod:`.streambatch`)."""
        raise NotImplementedError(f"{type(self).__name__} has no async writes")

    @abstractmethod
    def read(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        """Events numbered above ``after``; waits up to ``block`` seconds for the first one."""

    @abstractmethod
    async def aread(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        """Async twin of :meth:`read`."""

    @abstractmethod
    def clear(self, message_id: int) -> None:
        """Forget a message's events (before it is generated again)."""

    def subscribe(self, message_id: int, after: int) -> AbstractAsyncContextManager[Any]:
        """An async reader of a message's events after ``after``: ``await sub.next(timeout)``
        gives the events that came since the last call. This one reads with :meth:`aread`."""
        return contextlib.nullcontext(_ReadingSubscription(self, message_id, after))


class _ReadingSubscription:
    def __init__(self, buffer: StreamBuffer, message_id: int, after: int) -> None:
        self.buffer, self.message_id, self.after = buffer, message_id, after

    async def next(self, timeout: float) -> list[StreamEvent]:
        events = await self.buffer.aread(self.message_id, self.after, block=timeout)
        if events:
            self.after = events[-1].seq
        return events


class DatabaseStreamBuffer(StreamBuffer):
    """Events as ``StreamEvent`` rows; readers poll. Needs nothing but the database."""

    flush_interval = 0.05
    poll_interval = 0.05

    def append(self, message_id: int, seq: int, kind: str, data: str) -> None:
        from django_llmshop.support.models import StreamEvent as Row

        # A redelivered task may rewrite an event that is already there: keep the first.
        Row.objects.bulk_create(
            [Row(message_id=message_id, seq=seq, kind=kind, data=data)], ignore_conflicts=True
        )

    def _fetch(self, message_id: int, after: int) -> list[StreamEvent]:
        from django_llmshop.support.models import StreamEvent as Row

        rows = Row.objects.filter(message_id=message_id, seq__gt=after).order_by("seq")
        return [StreamEvent(seq, kind, data) for seq, kind, data in rows.values_list(
            "seq", "kind", "data"
        )]  # fmt: skip

    def read(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        deadline = time.monotonic() + block
        while True:
            events = self._fetch(message_id, after)
            if events or time.monotonic() >= deadline:
                return events
            time.sleep(self.poll_interval)

    def _fetch_and_release(self, message_id: int, after: int) -> list[StreamEvent]:
        from django.db import connection

        try:
            return self._fetch(message_id, after)
        finally:
            if not connection.in_atomic_block:
                connection.close()  # a poll holds a connection only while it reads

    async def aread(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        # Any free thread of the loop's pool, not the request's own: an open stream keeps none.
        fetch = sync_to_async(self._fetch_and_release, thread_sensitive=False)
        deadline = time.monotonic() + block
        while True:
            events = await fetch(message_id, after)
            if events or time.monotonic() >= deadline:
                return events
            await asyncio.sleep(self.poll_interval)

    def clear(self, message_id: int) -> None:
        from django_llmshop.support.models import StreamEvent as Row

        Row.objects.filter(message_id=message_id).delete()


class RedisStreamBuffer(StreamBuffer):
    """Events in a Redis stream per message (XADD / XREAD BLOCK): no polling, no DB writes."""

    #: Tokens that come closer together than this share an event: fewer writes and reads per
    #: reply when many stream at once. The first token is never held back.
    flush_interval = 0.02
    writes_async = True

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self._client = redis.Redis.from_pool(
            redis.BlockingConnectionPool.from_url(url, **POOL_OPTIONS)
        )
        self._async_clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._batchers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any] = (
            weakref.WeakKeyDictionary()
        )
        self._script = self._client.register_script(APPEND_SCRIPT)

    KEY_PREFIX = "llmshop:chat:stream:"

    @classmethod
    def key(cls, message_id: int) -> str:
        return f"{cls.KEY_PREFIX}{message_id}"

    def _args(self, events: list[Event]) -> list[Any]:
        return script_args(events, self.KEY_PREFIX, REDIS_TTL_SECONDS, LIVE_KEY, LIVE_MAXLEN)

    def append(self, message_id: int, seq: int, kind: str, data: str) -> None:
        [refused] = refusals(self._script(args=self._args([(message_id, seq, kind, data)])))
        if refused is not None:
            raise refused

    async def _send(self, call: ScriptCall, events: list[Event]) -> list[BaseException | None]:
        """One batch of an event loop's appends, in one call of the append script (``call``:
        the loop's, see :func:`.streamsend.script_caller`)."""
        return refusals(await call(self._args(events)))

    def enqueue(self, source: EventSource) -> None:
        """``source``'s next event goes with this event loop's next batch."""
        self._batcher().enqueue(source)

    def _batcher(self) -> AppendBatcher:
        loop = asyncio.get_running_loop()
        batcher = self._batchers.get(loop)
        if batcher is None:
            call = script_caller(self.url, APPEND_SCRIPT, POOL_OPTIONS, self._async_client())
            batcher = AppendBatcher(functools.partial(self._send, call))
            self._batchers[loop] = batcher
        return batcher

    @staticmethod
    def _decode(reply: Any) -> list[StreamEvent]:
        events = []
        for _key, entries in reply or []:
            for entry_id, fields in entries:
                seq = int(entry_id.decode().split("-", 1)[0])
                events.append(StreamEvent(seq, fields[b"kind"].decode(), fields[b"data"].decode()))
        return events

    def read(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        # XREAD BLOCK 0 would wait for ever: a non-blocking read is no BLOCK argument at all.
        block_ms = int(block * 1000) or None
        reply = self._client.xread({self.key(message_id): f"{after}-1"}, block=block_ms)
        return self._decode(reply)

    def _async_client(self) -> Any:
        import redis.asyncio

        # One client (and connection pool) per event loop: async clients belong to the loop
        # they were made in. A blocked read holds one pooled connection while it waits.
        loop = asyncio.get_running_loop()
        client = self._async_clients.get(loop)
        if client is None:
            pool = redis.asyncio.BlockingConnectionPool.from_url(self.url, **POOL_OPTIONS)
            client = redis.asyncio.Redis.from_pool(pool)
            self._async_clients[loop] = client
        return client

    async def aread(self, message_id: int, after: int, block: float = 0.0) -> list[StreamEvent]:
        block_ms = int(block * 1000) or None
        reply = await self._async_client().xread(
            {self.key(message_id): f"{after}-1"}, block=block_ms
        )
        return self._decode(reply)

    def clear(self, message_id: int) -> None:
        self._client.delete(self.key(message_id))

    def subscribe(self, message_id: int, after: int) -> AbstractAsyncContextManager[Any]:
        """Through the event loop's hub: one read of the live events for all its open streams."""
        loop = asyncio.get_running_loop()
        hub = self._hubs.get(loop)
        if hub is None:
            hub = self._hubs[loop] = RedisStreamHub(self.url, self.aread, StreamEvent)
        return hub.subscribe(message_id, after)


_buffer: StreamBuffer | None = None


def get_stream_buffer() -> StreamBuffer:
    """The configured buffer: Redis when ``CHAT_STREAM_REDIS_URL`` is set, else the database."""
    global _buffer
    if _buffer is None:
        url = llmshop_settings.CHAT_STREAM_REDIS_URL
        _buffer = RedisStreamBuffer(url) if url else DatabaseStreamBuffer()
    return _buffer


@on_reload
def _forget_buffer() -> None:
    global _buffer
    _buffer = None
