"""The reply task's side of a stream buffer: one reply's events, numbered in order."""

from __future__ import annotations

import json
import time
from typing import Any

from django_llmshop.support.streambuffer import TOKEN, StreamBuffer


class StreamWriter:
    """Writes one reply's events in order, gathering tokens for ``flush_interval`` seconds.

    Tokens may be written from the process's event loop (:meth:`atoken`, where the buffer
    ``writes_async``) and the rest from the task's thread: the numbering is shared, and the two
    never write at once (the thread waits while the loop streams).
    """

    def __init__(self, buffer: StreamBuffer, message_id: int) -> None:
        self.buffer = buffer
        self.message_id = message_id
        self.seq = 0
        self._pending: list[str] = []
        self._last_flush = time.monotonic()

    def _next(self, kind: str, payload: Any) -> tuple[int, int, str, str]:
        self.seq += 1
        return self.message_id, self.seq, kind, json.dumps(payload)

    def _due(self, text: str) -> tuple[int, int, str, str] | None:
        """Gather ``text``; the event to write now, if the gathered tokens are due."""
        if text:
            self._pending.append(text)
        if time.monotonic() - self._last_flush < self.buffer.flush_interval:
            return None
        return self._take()

    def _take(self) -> tuple[int, int, str, str] | None:
        self._last_flush = time.monotonic()
        if not self._pending:
            return None
        text, self._pending = "".join(self._pending), []
        return self._next(TOKEN, text)

    def token(self, text: str) -> None:
        if text and (event := self._due(text)) is not None:
            self.buffer.append(*event)

    async def atoken(self, text: str) -> None:
        """:meth:`token` from the event loop."""
        if text and (event := self._due(text)) is not None:
            await self.buffer.aappend(*event)

    def flush(self) -> None:
        if (event := self._take()) is not None:
            self.buffer.append(*event)

    async def aflush(self) -> None:
        """:meth:`flush` from the event loop."""
        if (event := self._take()) is not None:
            await self.buffer.aappend(*event)

    def finish(self, kind: str, payload: dict[str, Any]) -> None:
        """Write the closing ``done`` or ``error`` event."""
        self.flush()
        self.buffer.append(*self._next(kind, payload))
