"""A response's body on a lean HTTP/1.1 connection (:mod:`.nethttp`), and the parsing of its head.

The body's bytes are yielded as they arrive: a ``Content-Length`` body, a chunked one (a chunk
split across reads is yielded piece by piece, never held back for its end) or one that ends with
the connection. Errors are httpcore's, so httpx maps them as it does for its own pool.
"""

from __future__ import annotations

import re
import typing
from collections.abc import AsyncIterator, Awaitable, Callable

import httpcore

#: Most bytes asked of the network per read, as httpcore asks.
READ_SIZE = 64 * 1024
#: A response's head (status line and headers) may not be longer than this.
MAX_HEAD = 64 * 1024
#: Nor a chunk's size line (with its extensions), or a trailer line.
MAX_LINE = 4096
#: The empty line that ends a head (lines may end with LF alone, as h11 allows).
HEAD_END = re.compile(rb"\r?\n\r?\n")
_CHUNK_SIZE = re.compile(rb"[0-9A-Fa-f]{1,16}")
_TOKEN = re.compile(rb"[-!#$%&'*+.^_`|~0-9A-Za-z]+")
_BAD_VALUE = re.compile(rb"[\r\n\x00]")


class Connection(typing.Protocol):
    """What a body reads through."""

    async def read(self, timeout: float | None) -> bytes: ...

    def unread(self, data: bytes) -> None: ...

    async def read_until(self, end: bytes, limit: int, timeout: float | None) -> bytes: ...

    def finished(self, keep_alive: bool) -> None: ...

    async def aclose(self) -> None: ...


class Body:
    """A response's body, as its bytes arrive; see the module's documentation."""

    def __init__(
        self,
        connection: Connection,
        framing: str | int,
        keep_alive: bool,
        timeout: float | None,
    ) -> None:
        self._connection = connection
        self._framing = framing
        self._keep_alive = keep_alive
        self._timeout = timeout
        self._done = False
        #: Called once as the body is closed, after the connection is done with it (a pool
        #: takes the connection back).
        self.release: Callable[[], Awaitable[None]] | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            if self._framing == "chunked":
                parts = self._chunked()
            elif self._framing == "close":
                parts = self._until_closed()
            else:
                parts = self._sized(typing.cast(int, self._framing))
            async for part in parts:
                yield part
        except BaseException:
            await self.aclose()
            raise
        self._done = True
        self._connection.finished(self._keep_alive)

    async def _sized(self, left: int) -> AsyncIterator[bytes]:
        connection, timeout = self._connection, self._timeout
        while left:
            data = await connection.read(timeout)
            if not data:
                raise httpcore.RemoteProtocolError(
                    "peer closed connection without sending complete message body: "
                    f"{left} bytes missing"
                )
            if len(data) > left:
                connection.unread(data[left:])
                data = data[:left]
            left -= len(data)
            yield data

    async def _until_closed(self) -> AsyncIterator[bytes]:
        while data := await self._connection.read(self._timeout):
            yield data

    async def _chunked(self) -> AsyncIterator[bytes]:
        connection, timeout = self._connection, self._timeout
        while True:
            # The chunks that came whole in one read (a streamed reply's usually do) go at once.
            data = await connection.read(timeout)
            pieces, used, last = _whole_chunks(data)
            connection.unread(data[used:])
            if pieces:
                yield pieces[0] if len(pieces) == 1 else b"".join(pieces)
                if not last:
                    continue
            # The next chunk, as its bytes come (or the last, and the trailers).
            size = _chunk_size(await connection.read_until(b"\r\n", MAX_LINE, timeout))
            if size == 0:
                while await connection.read_until(b"\r\n", MAX_LINE, timeout):
                    pass  # trailers, up to the empty line
                return
            left, ending = size + 2, b""  # the data, then CRLF
            while left:
                data = await connection.read(timeout)
                if not data:
                    raise httpcore.RemoteProtocolError(
                        "peer closed connection without sending complete message body"
                    )
                if len(data) > left:
                    connection.unread(data[left:])
                    data = data[:left]
                content = max(0, left - 2)  # how much of data is the chunk's own
                left -= len(data)
                if len(data) > content:
                    ending += data[content:]
                    data = data[:content]
                if data:
                    yield data
            if ending != b"\r\n":
                raise httpcore.RemoteProtocolError("a chunk is longer than its size")

    async def aclose(self) -> None:
        try:
            if not self._done:  # left before its end: the connection can't serve another request
                self._done = True
                await self._connection.aclose()
        finally:
            release, self.release = self.release, None
            if release is not None:
                await release()


def status_line(line: bytes) -> tuple[bytes, int, bytes]:
    version, _, rest = line.partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise httpcore.RemoteProtocolError(f"not an HTTP/1.1 status line: {line[:100]!r}")
    return version, int(code), reason.strip()


def header_fields(lines: list[bytes]) -> list[tuple[bytes, bytes]]:
    headers: list[tuple[bytes, bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and headers:  # folded onto the line before (obsolete)
            name, value = headers[-1]
            headers[-1] = name, value + b" " + line.strip(b" \t")
            continue
        name, colon, value = line.partition(b":")
        if not colon or not _TOKEN.fullmatch(name):
            raise httpcore.RemoteProtocolError(f"malformed response header: {line[:100]!r}")
        headers.append((name, value.strip(b" \t")))
    return headers


def _whole_chunks(data: bytes) -> tuple[list[bytes], int, bool]:
    """The data of the chunks that are whole in ``data``, how many bytes they took, and whether
    the last chunk (size 0) follows them (left unread, with the trailers)."""
    pieces: list[bytes] = []
    at = 0
    while True:
        eol = data.find(b"\r\n", at, at + MAX_LINE)
        if eol < 0:
            return pieces, at, False
        size = _chunk_size(data[at:eol])
        if size == 0:
            return pieces, at, True
        start = eol + 2
        end = start + size
        if end + 2 > len(data):
            return pieces, at, False
        if data[end : end + 2] != b"\r\n":
            raise httpcore.RemoteProtocolError("a chunk is longer than its size")
        pieces.append(data[start:end])
        at = end + 2


def _chunk_size(line: bytes) -> int:
    digits = line.split(b";", 1)[0].rstrip(b" \t")
    if not _CHUNK_SIZE.fullmatch(digits):  # int() would take "-3", "+5", "0x5" and "1_0" too
        raise httpcore.RemoteProtocolError(f"bad chunk size line: {line[:100]!r}")
    return int(digits, 16)


def body_framing(
    request: httpcore.Request, status: int, headers: list[tuple[bytes, bytes]]
) -> str | int:
    """How the body ends: ``"chunked"``, ``"close"`` or its length (RFC 9112, 6.3)."""
    if request.method == b"HEAD" or status in (204, 304):
        return 0
    chunked, length = body_length(headers, httpcore.RemoteProtocolError)
    if chunked:
        return "chunked"
    return "close" if length is None else length


def body_length(
    headers: list[tuple[bytes, bytes]], error: type[Exception] = httpcore.LocalProtocolError
) -> tuple[bool, int | None]:
    """Whether a message's body is chunked, and its ``Content-Length`` (None: not given)."""
    codings = [value.lower() for name, value in headers if name.lower() == b"transfer-encoding"]
    if codings:
        if codings != [b"chunked"]:  # as h11: no other coding, not even before chunked
            raise error("only Transfer-Encoding: chunked is supported")
        return True, None
    lengths = {
        part.strip()
        for name, value in headers
        if name.lower() == b"content-length"
        for part in value.split(b",")
    }
    if not lengths:
        return False, None
    if len(lengths) > 1 or not all(value.isdigit() for value in lengths):
        raise error("bad Content-Length")
    return False, int(lengths.pop())


def check_request_headers(headers: list[tuple[bytes, bytes]]) -> None:
    """Refuse header names that are not tokens and values that would end the line."""
    for name, value in headers:
        if not _TOKEN.fullmatch(name) or _BAD_VALUE.search(value):
            raise httpcore.LocalProtocolError(f"illegal request header: {name[:100]!r}")


def closes(headers: list[tuple[bytes, bytes]]) -> bool:
    return any(
        name.lower() == b"connection" and b"close" in value.lower() for name, value in headers
    )
