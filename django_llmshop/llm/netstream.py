"""A lean asyncio network backend for the async client's connection pool.

httpx's default async transport reads sockets through anyio, which for every read arms a cancel
scope for the timeout, yields to the event loop once and resumes and pauses the transport's
reading. A streamed reply is read in many small pieces (one per token when the model is fast),
so that per-read cost is most of what a chat worker spends on a streamed word. The stream here
is an :class:`asyncio.Protocol` that keeps reading into a buffer: a read with data waiting
returns it at once, and the read timeout is one timer per connection that moves on with the
deadline rather than one per read.

It implements httpcore's ``AsyncNetworkBackend`` interface (``connect_tcp``, ``start_tls`` for
HTTPS, ``get_extra_info``) that the lean pool's HTTP/1.1 connections (:mod:`.nethttp`) use. Only
asyncio loops are served (the client is asyncio-only); connections that ask for socket options
go through httpcore's own backend.
"""

from __future__ import annotations

import asyncio
import ssl
import typing
from collections import deque

import httpcore

#: Stop reading from the socket while this many bytes wait unread, resume below the low mark.
HIGH_WATER = 1 << 20
LOW_WATER = 1 << 18


class _Buffer(asyncio.Protocol):
    """Bytes received and not yet read, and the connection's state."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.transport: asyncio.Transport | None = None
        self.chunks: deque[bytes] = deque()
        self.size = 0
        self.eof = False
        self.lost: BaseException | None = None
        self.paused = False
        self.waiter: asyncio.Future[bool] | None = None
        self.drain: asyncio.Future[bool] | None = None
        # The read timeout: one timer that moves on lazily (see wait_readable).
        self.deadline: float | None = None
        self.timer: asyncio.TimerHandle | None = None
        self.timer_at = 0.0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = typing.cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        if self.size > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()
        self._wake_reader()

    def eof_received(self) -> bool:
        self.eof = True
        self._wake_reader()
        return False  # close the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.eof = True
        self.lost = exc
        self._wake_reader()
        self.resume_writing()
        self.stop_timer()

    def wait_readable(self, timeout: float | None) -> asyncio.Future[bool]:
        """A future woken (True) by the next data or the end, or False after ``timeout``.

        A streamed reply waits for nearly every read, so arming and cancelling a timer for each
        would cost more than the read: the timer is left running and the deadline moves on; when
        it fires before the deadline it is set again for the deadline."""
        loop = self.loop
        waiter = self.waiter = loop.create_future()
        if timeout is None:
            self.deadline = None
            return waiter
        deadline = self.deadline = loop.time() + timeout
        if self.timer is None or self.timer_at > deadline:
            self.stop_timer()
            self.timer = loop.call_at(deadline, self._deadline_passed)
            self.timer_at = deadline
        return waiter

    def stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _deadline_passed(self) -> None:
        self.timer = None
        waiter, deadline = self.waiter, self.deadline
        if waiter is None or waiter.done() or deadline is None:
            return
        if deadline <= self.timer_at:
            waiter.set_result(False)
        else:
            self.timer = self.loop.call_at(deadline, self._deadline_passed)
            self.timer_at = deadline

    def pause_writing(self) -> None:
        if self.drain is None:
            self.drain = self.loop.create_future()

    def resume_writing(self) -> None:
        drain, self.drain = self.drain, None
        if drain is not None and not drain.done():
            drain.set_result(True)

    def _wake_reader(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(True)

    def take(self, max_bytes: int) -> bytes:
        """Up to ``max_bytes`` of what is waiting, joined; the caller knows something is."""
        chunks = self.chunks
        first = chunks.popleft()
        if len(first) > max_bytes:
            chunks.appendleft(first[max_bytes:])
            first = first[:max_bytes]
        elif chunks and len(first) + len(chunks[0]) <= max_bytes:
            parts = [first]
            room = max_bytes - len(first)
            while chunks and len(chunks[0]) <= room:
                room -= len(chunks[0])
                parts.append(chunks.popleft())
            first = b"".join(parts)
        self.size -= len(first)
        if self.paused and self.size < LOW_WATER and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return first


async def wait_woken(future: asyncio.Future[bool], timeout: float | None) -> bool:
    """Wait for ``future`` to be woken (True); False when ``timeout`` seconds pass first."""
    if timeout is None:
        return await future
    timer = asyncio.get_running_loop().call_later(timeout, _expire, future)
    try:
        return await future
    finally:
        timer.cancel()


def _expire(future: asyncio.Future[bool]) -> None:
    if not future.done():
        future.set_result(False)


#: httpcore's names for a connection's details, and asyncio's.
_EXTRA_INFO = {
    "ssl_object": "ssl_object",
    "client_addr": "sockname",
    "server_addr": "peername",
    "socket": "socket",
}


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: reads served from the protocol's buffer."""

    def __init__(self, transport: asyncio.Transport, buffer: _Buffer) -> None:
        self._transport = transport
        self._buffer = buffer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        buffer = self._buffer
        if not buffer.chunks:
            if buffer.eof:
                if buffer.lost is not None:
                    raise httpcore.ReadError(str(buffer.lost) or type(buffer.lost).__name__)
                return b""
            try:
                woken = await buffer.wait_readable(timeout)
            finally:
                buffer.waiter = None
            if not woken:
                raise httpcore.ReadTimeout("timed out reading from the server")
            return await self.read(max_bytes, timeout)
        return buffer.take(max_bytes)

    async def write(self, data: bytes, timeout: float | None = None) -> None:
        if not data:
            return
        buffer = self._buffer
        if buffer.eof and buffer.lost is not None or self._transport.is_closing():
            raise httpcore.WriteError("the connection is closed")
        self._transport.write(data)
        if buffer.drain is not None:
            if not await wait_woken(buffer.drain, timeout):
                raise httpcore.WriteTimeout("timed out writing to the server")
            if buffer.lost is not None:
                raise httpcore.WriteError(str(buffer.lost) or type(buffer.lost).__name__)

    async def aclose(self) -> None:
        self._transport.close()
        self._buffer.stop_timer()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        loop = self._buffer.loop
        try:
            async with asyncio.timeout(timeout):
                transport = await loop.start_tls(
                    self._transport, self._buffer, ssl_context, server_hostname=server_hostname
                )
        except TimeoutError as exc:
            self._transport.close()
            raise httpcore.ConnectTimeout("timed out in the TLS handshake") from exc
        except (OSError, ssl.SSLError) as exc:
            self._transport.close()
            raise httpcore.ConnectError(str(exc)) from exc
        if transport is None:  # the connection closed during the handshake
            raise httpcore.ConnectError("the connection closed during the TLS handshake")
        self._buffer.transport = transport  # reading paused and resumed above TLS from now on
        return AsyncioStream(transport, self._buffer)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":  # an idle connection with something to read is done with
            return bool(self._buffer.chunks) or self._buffer.eof
        name = _EXTRA_INFO.get(info)
        return None if name is None else self._transport.get_extra_info(name)


class AsyncioBackend(httpcore.AsyncNetworkBackend):
    """Connections as :class:`AsyncioStream`; see the module's documentation."""

    def __init__(self) -> None:
        self._fallback = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if socket_options:
            return await self._fallback.connect_tcp(
                host, port, timeout, local_address, socket_options
            )
        local = (local_address, 0) if local_address else None
        return await self._connect(
            lambda loop, make: loop.create_connection(make, host, port, local_addr=local),
            timeout,
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if socket_options:
            return await self._fallback.connect_unix_socket(path, timeout, socket_options)
        return await self._connect(
            lambda loop, make: loop.create_unix_connection(make, path), timeout
        )

    async def _connect(
        self, open_connection: typing.Any, timeout: float | None
    ) -> httpcore.AsyncNetworkStream:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):
                transport, buffer = await open_connection(loop, lambda: _Buffer(loop))
        except TimeoutError as exc:  # before OSError: TimeoutError is one
            raise httpcore.ConnectTimeout("timed out connecting to the server") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return AsyncioStream(transport, buffer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
