"""Incremental parser for server-sent events (the ``text/event-stream`` format).

Feed it bytes as they arrive, split anywhere (even inside a UTF-8 character or between the
``\\r`` and ``\\n`` of a line end); it returns the events completed so far. Follows the WHATWG
rules: ``\\r\\n``, ``\\r`` and ``\\n`` line ends, ``:`` comments, ``data`` lines joined with
``\\n``, ``event``/``id``/``retry`` fields, and dispatch on a blank line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_LINE_END = re.compile(r"\r\n?|\n")


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One dispatched event."""

    data: str
    event: str = "message"
    id: str | None = None
    retry: int | None = None


class SSEParser:
    """Turns a byte stream into :class:`SSEEvent` objects, one ``feed`` at a time."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._tail = ""  # an unfinished line
        self._skip_lf = False  # the last feed ended with "\r": a leading "\n" belongs to it
        self._at_start = True
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Parse more bytes; return the events they complete."""
        text = self._decoder.decode(chunk)
        if not text:
            return []
        if self._at_start:
            self._at_start = False
            if text[0] == "\ufeff":
                text = text[1:]
        if self._skip_lf:
            self._skip_lf = False
            if text[:1] == "\n":
                text = text[1:]
        return self._consume(self._tail + text if self._tail else text)

    def close(self) -> list[SSEEvent]:
        """Signal the end of the stream.

        An event whose lines all arrived complete but lacks the final blank line is still
        dispatched (some servers omit it); a half-received line is dropped.
        """
        self._decoder.reset()
        self._tail = ""
        return [self._dispatch()] if self._data else []

    def _consume(self, text: str) -> list[SSEEvent]:
        events: list[SSEEvent] = []
        if "\r" not in text:  # the common case: "\n" line ends only, split in C
            lines = text.split("\n")
            self._tail = lines.pop()
            for line in lines:
                self._line(line, events)
            return events
        pos = 0
        end = len(text)
        search = _LINE_END.search
        while True:
            match = search(text, pos)
            if match is None:
                break
            self._line(text[pos : match.start()], events)
            pos = match.end()
            if pos == end and match.group() == "\r":
                self._skip_lf = True
        self._tail = text[pos:]
        return events

    def _line(self, line: str, events: list[SSEEvent]) -> None:
        if not line:
            if self._data:
                events.append(self._dispatch())
            else:
                self._event = ""
            return
        if line[0] == ":":
            return
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)

    def _dispatch(self) -> SSEEvent:
        event = SSEEvent(
            data="\n".join(self._data),
            event=self._event or "message",
            id=self._last_id,
            retry=self._retry,
        )
        self._data = []
        self._event = ""
        return event
