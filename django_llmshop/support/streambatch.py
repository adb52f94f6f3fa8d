"""The async appends of one event loop to the Redis stream buffer, sent together.

A worker process streams all its replies in one event loop (:mod:`django_llmshop.eventloop`).
Sent one by one, each token event would be a round trip to Redis of its own, with a pipeline,
a pooled connection and a timer each: at hundreds of replies, most of the worker's CPU. Here
the events of every reply wait while one batch is on its way to Redis and then go together in
the next one (a group commit): one round trip for many events when many come, none held back
when few do. Each reply still waits for its own event to be written before it writes the next,
so its events keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

#: ``(message_id, seq, kind, data)``
Event = tuple[int, int, str, str]
#: Queues one event's commands on a pipeline; returns how many it queued (the first the XADD).
QueueEvent = Callable[[Any, int, int, str, str], int]
#: Whether an XADD's error may be ignored (a redelivered task rewriting an event).
Ignorable = Callable[[Exception], bool]


class AppendBatcher:
    """One event loop's batches of appends through ``client`` (a ``redis.asyncio`` client)."""

    def __init__(self, client: Any, queue_event: QueueEvent, ignorable: Ignorable) -> None:
        self._client = client
        self._queue_event = queue_event
        self._ignorable = ignorable
        self._waiting: list[tuple[Event, asyncio.Future[None]]] = []
        self._sender: asyncio.Task[None] | None = None

    async def append(self, event: Event) -> None:
        """Write ``event`` with the next batch; raises what Redis answered for it."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._waiting.append((event, future))
        if self._sender is None or self._sender.done():
            self._sender = loop.create_task(self._send())
        await future

    async def _send(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            try:
                await self._send_batch(batch)
            except BaseException as exc:  # noqa: BLE001 - each waiting writer gets the error
                for _event, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise

    async def _send_batch(self, batch: list[tuple[Event, asyncio.Future[None]]]) -> None:
        pipe = self._client.pipeline(transaction=False)
        firsts = []
        queued = 0
        for event, _future in batch:
            firsts.append(queued)
            queued += self._queue_event(pipe, *event)
        results = await pipe.execute(raise_on_error=False)
        for (_event, future), first in zip(batch, firsts, strict=True):
            outcome = results[first]
            if future.done():
                continue
            if isinstance(outcome, Exception) and not self._ignorable(outcome):
                future.set_exception(outcome)
            else:
                future.set_result(None)
