"""The reply task's side of a stream buffer: one reply's events, numbered in order."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from django_llmshop.support.streambatch import Event
from django_llmshop.support.streambuffer import TOKEN, StreamBuffer


class StreamWriter:
    """Writes one reply's events in order, gathering tokens for ``flush_interval`` seconds.

    Tokens may be written from the process's event loop (:meth:`atoken`, where the buffer
    ``writes_async``) and the rest from the task's thread: the numbering is shared, and the two
    never write at once (the thread waits while the loop streams).

    From the event loop the writer does not wait for each token's write: its text waits in an
    outbox while the writer's previous event is on its way, and the outbox goes as one event
    when the buffer's next batch takes it (see :mod:`.streambatch`). A failed write is raised
    by the next :meth:`atoken` or by :meth:`aflush`, which waits until all is written.
    """

    def __init__(self, buffer: StreamBuffer, message_id: int) -> None:
        self.buffer = buffer
        self.message_id = message_id
        self.seq = 0
        self._pending: list[str] = []
        self._last_flush = time.monotonic()
        self._outbox: list[str] = []
        self._queued = False  # waiting for a batch, or an event on its way
        self._failure: BaseException | None = None
        self._idle: asyncio.Future[None] | None = None

    def _next(self, kind: str, payload: Any) -> tuple[int, int, str, str]:
        self.seq += 1
        return self.message_id, self.seq, kind, json.dumps(payload)

    def _due(self, text: str) -> bool:
        """Gather ``text``; whether the gathered tokens are due to be written."""
        if text:
            self._pending.append(text)
        return time.monotonic() - self._last_flush >= self.buffer.flush_interval

    def _take(self) -> tuple[int, int, str, str] | None:
        self._last_flush = time.monotonic()
        if not self._pending:
            return None
        text, self._pending = "".join(self._pending), []
        return self._next(TOKEN, text)

    def token(self, text: str) -> None:
        if text and self._due(text) and (event := self._take()) is not None:
            self.buffer.append(*event)

    async def atoken(self, text: str) -> None:
        """:meth:`token` from the event loop; does not wait for the write."""
        if self._failure is not None:
            raise self._failure
        if text and self._due(text):
            self._release()

    def flush(self) -> None:
        if (event := self._take()) is not None:
            self.buffer.append(*event)

    async def aflush(self) -> None:
        """:meth:`flush` from the event loop: returns once every token is written."""
        self._release()
        if self._queued:
            self._idle = asyncio.get_running_loop().create_future()
            await self._idle
        if self._failure is not None:
            raise self._failure

    def _release(self) -> None:
        """Move the gathered tokens to the outbox, and have the next batch take it."""
        self._last_flush = time.monotonic()
        if not self._pending:
            return
        self._outbox += self._pending
        self._pending = []
        if not self._queued:
            self._queued = True
            self.buffer.enqueue(self)

    def take(self) -> Event | None:
        """The outbox as one event, as the batch goes (for the buffer's batcher)."""
        if not self._outbox:
            self._settle()
            return None
        text, self._outbox = "".join(self._outbox), []
        return self._next(TOKEN, text)

    def sent(self, error: BaseException | None) -> bool:
        """The taken event is written (or failed); True while the outbox has more."""
        if error is not None:
            self._failure = self._failure or error
            self._outbox = []
        if self._outbox:
            return True
        self._settle()
        return False

    def _settle(self) -> None:
        self._queued = False
        if self._idle is not None and not self._idle.done():
            self._idle.set_result(None)

    def finish(self, kind: str, payload: dict[str, Any]) -> None:
        """Write the closing ``done`` or ``error`` event."""
        self.flush()
        self.buffer.append(*self._next(kind, payload))
