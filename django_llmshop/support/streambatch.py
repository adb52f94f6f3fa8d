"""The async appends of one event loop to the Redis stream buffer, sent together.

A worker process streams all its replies in one event loop (:mod:`django_llmshop.eventloop`).
Sent one by one, each token event would be a round trip to Redis of its own, with a pipeline,
a pooled connection and a timer each: at hundreds of replies, most of the worker's CPU. Here
the events of every reply wait while one batch is on its way to Redis and then go together in
the next one (a group commit): one round trip for many events when many come, none held back
when few do.

What waits is a reply's *source* of events, not its events: a source is asked for its event
as the batch is sent, so the text a reply received while its previous event was on its way
goes as one event. Under load (large batches, slow round trips) a reply's tokens merge and the
events to write, and to relay, become fewer instead of piling up; a source has one event on
its way at a time, so its events keep their order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

#: ``(message_id, seq, kind, data)``
Event = tuple[int, int, str, str]
#: Writes a batch of events in one round trip; per event None or the error it met (raising
#: fails them all).
SendBatch = Callable[[list[Event]], Awaitable[list[BaseException | None]]]


class EventSource(Protocol):
    """A writer whose events the batcher sends, one at a time."""

    def take(self) -> Event | None:
        """The event to send now, made as the batch goes (None: nothing after all)."""

    def sent(self, error: BaseException | None) -> bool:
        """The taken event was written (or failed with ``error``); True if there is more."""


class AppendBatcher:
    """One event loop's batches of appends, each sent by ``send``."""

    def __init__(self, send: SendBatch) -> None:
        self._send_batch = send
        self._waiting: list[EventSource] = []
        self._sender: asyncio.Task[None] | None = None

    def enqueue(self, source: EventSource) -> None:
        """Have ``source`` asked for its event as the next batch goes (it must not be waiting
        already, nor have an event on its way)."""
        self._waiting.append(source)
        if self._sender is None or self._sender.done():
            self._sender = asyncio.get_running_loop().create_task(self._send())

    async def _send(self) -> None:
        while self._waiting:
            sources, self._waiting = self._waiting, []
            batch = [(source, event) for source in sources if (event := source.take()) is not None]
            if not batch:
                continue
            try:
                errors = await self._send_batch([event for _source, event in batch])
            except BaseException as exc:  # noqa: BLE001 - each waiting writer gets the error
                for source, _event in batch:
                    source.sent(exc)
                if isinstance(exc, asyncio.CancelledError):
                    raise
                continue
            for (source, _event), error in zip(batch, errors, strict=True):
                if source.sent(error):
                    self._waiting.append(source)
