"""HTTP/1.1 on one connection of the lean pool (:mod:`.netpool`), framed here rather than by h11.

A streamed reply arrives as one small chunk per token. Through httpcore each chunk passes h11's
state machine, event objects and validation, httpcore's tracing and two generator layers: for
a chat worker reading hundreds of replies at once, more CPU than reading the socket and parsing
the token together. This connection writes the request and reads the response's head; the body
(:mod:`.netbody`) yields its bytes as they arrive. Keep-alive, the pool's checks (``is_idle``,
``has_expired``), connect retries and httpcore's exceptions are kept, so httpx sees the same
errors as with its own pool.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import typing
from collections.abc import AsyncIterator

import httpcore

from .netbody import (
    HEAD_END,
    MAX_HEAD,
    READ_SIZE,
    Body,
    body_framing,
    body_length,
    check_request_headers,
    closes,
    header_fields,
    status_line,
)


class LeanConnection:
    """One HTTP/1.1 connection to ``origin``: one request at a time, kept alive between them."""

    def __init__(
        self,
        origin: httpcore.Origin,
        *,
        ssl_context: ssl.SSLContext | None,
        keepalive_expiry: float | None,
        local_address: str | None,
        uds: str | None,
        retries: int,
        network_backend: httpcore.AsyncNetworkBackend,
    ) -> None:
        self.origin = origin
        self._ssl_context = ssl_context
        self._keepalive_expiry = keepalive_expiry
        self._local_address = local_address
        self._uds = uds
        self._retries = retries
        self._backend = network_backend
        self._stream: httpcore.AsyncNetworkStream | None = None
        self._state = "new"  # new, active, idle, closing (its body ended, not kept) or closed
        self._expires_at: float | None = None
        self._pending = b""  # read from the network and not yet used

    # -- what the pool asks ------------------------------------------------------------------

    def is_idle(self) -> bool:
        return self._state == "idle"

    def is_closed(self) -> bool:
        return self._state == "closed"

    def has_expired(self) -> bool:
        if self._state != "idle":
            return False
        if self._expires_at is not None and time.monotonic() > self._expires_at:
            return True
        # Idle, yet something to read: the server closed it (or broke the protocol).
        return bool(self._pending) or bool(
            self._stream is not None and self._stream.get_extra_info("is_readable")
        )

    async def aclose(self) -> None:
        self._state = "closed"
        stream, self._stream = self._stream, None
        if stream is not None:
            await stream.aclose()

    # -- a request ---------------------------------------------------------------------------

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        if self._state not in ("new", "idle"):
            raise httpcore.ConnectionNotAvailable()
        timeouts = request.extensions.get("timeout", {})
        try:
            if self._stream is None:
                self._stream = await self._connect(request, timeouts.get("connect"))
            self._state = "active"
            try:
                await self._send(request, timeouts.get("write"))
            except httpcore.WriteError as exc:
                # The server may have answered early (a 413 while the body went) and closed:
                # its answer is read if it is there, else the write's error is raised.
                write_error: httpcore.WriteError | None = exc
            else:
                write_error = None
            try:
                version, status, reason, headers = await self._receive_head(timeouts.get("read"))
            except httpcore.NetworkError:
                if write_error is not None:
                    raise write_error from None
                raise
            framing = body_framing(request, status, headers)
        except BaseException:
            await self.aclose()
            raise
        keep_alive = (
            version == b"HTTP/1.1"
            and framing != "close"
            and not closes(request.headers)
            and not closes(headers)
        )
        body = Body(self, framing, keep_alive, timeouts.get("read"))
        return httpcore.Response(
            status=status,
            headers=headers,
            content=body,
            extensions={
                "http_version": version,
                "reason_phrase": reason,
                "network_stream": self._stream,
            },
        )

    async def _connect(
        self, request: httpcore.Request, timeout: float | None
    ) -> httpcore.AsyncNetworkStream:
        retries_left, delay = self._retries, 0.0
        while True:
            try:
                if self._uds is not None:
                    stream = await self._backend.connect_unix_socket(self._uds, timeout)
                else:
                    stream = await self._backend.connect_tcp(
                        self.origin.host.decode("ascii"),
                        self.origin.port,
                        timeout,
                        self._local_address,
                    )
                if self.origin.scheme == b"https":
                    context = self._ssl_context or ssl.create_default_context()
                    context.set_alpn_protocols(["http/1.1"])
                    hostname = request.extensions.get("sni_hostname")
                    stream = await stream.start_tls(
                        context, hostname or self.origin.host.decode("ascii"), timeout
                    )
                return stream
            except (httpcore.ConnectError, httpcore.ConnectTimeout):
                if retries_left <= 0:
                    raise
                retries_left -= 1
                await asyncio.sleep(delay)
                delay = max(0.5, delay * 2)  # httpcore's backoff: 0, 0.5, 1, 2, ...

    async def _send(self, request: httpcore.Request, timeout: float | None) -> None:
        assert self._stream is not None
        check_request_headers(request.headers)
        chunked, length = body_length(request.headers)
        lines = [b"%s %s HTTP/1.1" % (request.method, request.url.target)]
        lines += [b"%s: %s" % (name, value) for name, value in request.headers]
        out = [b"\r\n".join(lines) + b"\r\n\r\n"]
        size = len(out[0])
        sent = 0
        stream = typing.cast(AsyncIterator[bytes], request.stream)
        async for part in stream:
            if not part:
                continue
            sent += len(part)
            if length is not None and sent > length:
                raise httpcore.LocalProtocolError("more request body than its Content-Length")
            out.append(b"%x\r\n%s\r\n" % (len(part), part) if chunked else part)
            size += len(part)
            if size >= READ_SIZE:  # a large body goes as it comes
                await self._stream.write(b"".join(out), timeout)
                out, size = [], 0
        if length is not None and sent < length:
            raise httpcore.LocalProtocolError("less request body than its Content-Length")
        if chunked:
            out.append(b"0\r\n\r\n")
        await self._stream.write(b"".join(out), timeout)

    async def _receive_head(
        self, timeout: float | None
    ) -> tuple[bytes, int, bytes, list[tuple[bytes, bytes]]]:
        while True:  # informational (1xx) responses are skipped
            head = await self.read_head(timeout)
            lines = [line.removesuffix(b"\r") for line in head.split(b"\n")]
            version, status, reason = status_line(lines[0])
            headers = header_fields(lines[1:])
            if not 100 <= status < 200:
                return version, status, reason, headers
            if status == 101:
                raise httpcore.RemoteProtocolError("the server switched protocols")

    async def read(self, timeout: float | None) -> bytes:
        """What was read ahead, else the next bytes from the network (b"" at its end)."""
        if self._pending:
            data, self._pending = self._pending, b""
            return data
        if self._stream is None:  # closed meanwhile (the client was closed)
            raise httpcore.ReadError("the connection is closed")
        data = await self._stream.read(READ_SIZE, timeout)
        if not data and self._state == "closed":  # the end is this side's close, not the server's
            raise httpcore.ReadError("the connection was closed")
        return data

    def unread(self, data: bytes) -> None:
        self._pending = data + self._pending

    async def read_head(self, timeout: float | None) -> bytes:
        """A response's head, up to the empty line (lines may end with LF alone)."""

        def empty_line(found: bytes) -> tuple[int, int] | None:
            end = HEAD_END.search(found)
            return None if end is None else end.span()

        return await self._read_to(empty_line, MAX_HEAD, timeout)

    async def read_until(self, end: bytes, limit: int, timeout: float | None) -> bytes:
        """The bytes before ``end`` (which is consumed too)."""

        def find(found: bytes) -> tuple[int, int] | None:
            at = found.find(end)
            return None if at < 0 else (at, at + len(end))

        return await self._read_to(find, limit, timeout)

    async def _read_to(
        self,
        find: typing.Callable[[bytes], tuple[int, int] | None],
        limit: int,
        timeout: float | None,
    ) -> bytes:
        """The bytes before the span that ``find`` finds in what is read (consumed too)."""
        found = b""
        while True:
            span = find(found)
            if span is not None:
                self.unread(found[span[1] :])
                return found[: span[0]]
            if len(found) > limit:
                raise httpcore.RemoteProtocolError("a response line or head is too long")
            data = await self.read(timeout)
            if not data:
                raise httpcore.RemoteProtocolError("the server closed the connection mid-response")
            found += data

    def finished(self, keep_alive: bool) -> None:
        """The response's body was read to its end."""
        if keep_alive and not self._pending and self._state == "active":
            self._state = "idle"
            expiry = self._keepalive_expiry
            self._expires_at = None if expiry is None else time.monotonic() + expiry
        else:
            self._state = "closing"
