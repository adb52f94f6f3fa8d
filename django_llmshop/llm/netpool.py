"""A connection pool for the async client that costs the same with 1,000 open streams as with 1.

httpcore's ``AsyncConnectionPool`` walks every connection it holds (and, for each idle one, all
of them again) whenever a request starts or a response closes. A chat worker holding a streamed
reply per open conversation holds as many connections, so with 1,000 streams each reply paid
milliseconds of CPU twice over. This pool keeps each origin's idle HTTP/1.1 connections in a
stack: a request takes the most recently used one that is still good, or opens a new one while
fewer than ``max_connections`` exist, or waits its ``pool`` timeout for one to come back.

Its connections (:mod:`.nethttp`) speak HTTP/1.1 themselves, over the lean network streams of
:mod:`.netstream`, with httpcore's exceptions, keep-alive expiry and the check that an idle
connection was not closed by the server. HTTP/2 (one connection, many requests) is not this
pool's business: a client with ``http2`` keeps httpx's.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import typing
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator

import httpcore
import httpx

from .nethttp import LeanConnection
from .netstream import AsyncioBackend, wait_woken


class LeanPool:
    """HTTP/1.1 connections by origin, taken and given back in constant time."""

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None,
        max_connections: int | None,
        max_keepalive_connections: int | None,
        keepalive_expiry: float | None,
        network_backend: httpcore.AsyncNetworkBackend | None = None,
        local_address: str | None = None,
        uds: str | None = None,
        retries: int = 0,
    ) -> None:
        self._max_connections = max_connections if max_connections is not None else 1 << 30
        self._max_idle = (
            max_keepalive_connections if max_keepalive_connections is not None else 1 << 30
        )
        self._connection_options: dict[str, typing.Any] = {
            "ssl_context": ssl_context,
            "keepalive_expiry": keepalive_expiry,
            "local_address": local_address,
            "uds": uds,
            "retries": retries,
            "network_backend": network_backend or AsyncioBackend(),
        }
        self._idle: dict[tuple[bytes, bytes, int], deque[LeanConnection]] = {}
        self._idle_count = 0
        self._connections: set[LeanConnection] = set()
        self._waiters: deque[asyncio.Future[bool]] = deque()

    @property
    def connections(self) -> int:
        """How many connections are open (idle, busy or connecting)."""
        return len(self._connections)

    @property
    def idle_connections(self) -> int:
        return self._idle_count

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        scheme = request.url.scheme
        if scheme not in (b"http", b"https"):
            raise httpcore.UnsupportedProtocol(
                f"Request URL has an unsupported protocol {scheme.decode()!r}."
                if scheme
                else "Request URL is missing an 'http://' or 'https://' protocol."
            )
        timeout = request.extensions.get("timeout", {}).get("pool")
        while True:
            connection = await self._take(request.url.origin, timeout)
            try:
                response = await connection.handle_async_request(request)
            except httpcore.ConnectionNotAvailable:
                await self._give_back(connection)  # closed by now, or not idle: dropped
                continue
            except BaseException:
                await self._give_back(connection)
                raise
            assert isinstance(response.stream, AsyncIterable)
            return httpcore.Response(
                status=response.status,
                headers=response.headers,
                content=_Body(response.stream, self, connection),
                extensions=response.extensions,
            )

    async def _take(self, origin: httpcore.Origin, timeout: float | None) -> LeanConnection:
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            idle = self._idle.get(_key(origin))
            while idle:
                connection = idle.pop()
                self._idle_count -= 1
                if connection.is_idle() and not connection.has_expired():
                    return connection
                await self._drop(connection)
            if len(self._connections) >= self._max_connections and self._idle_count:
                await self._drop(self._oldest_idle())  # room for this origin
            if len(self._connections) < self._max_connections:
                connection = LeanConnection(origin, **self._connection_options)
                self._connections.add(connection)
                return connection
            waiter = loop.create_future()
            self._waiters.append(waiter)
            left = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                woken = await wait_woken(waiter, left)
            except BaseException:
                if waiter.done() and not waiter.cancelled() and waiter.result():
                    self._wake()  # pass on the turn this waiter cannot take
                raise
            finally:
                if not waiter.done():
                    waiter.cancel()
            if not woken:
                raise httpcore.PoolTimeout("no connection came free in time")

    def _oldest_idle(self) -> LeanConnection:
        for idle in self._idle.values():
            if idle:
                self._idle_count -= 1
                return idle.popleft()
        raise AssertionError("no idle connection")  # pragma: no cover - callers check the count

    async def _give_back(self, connection: LeanConnection) -> None:
        if (
            connection.is_idle()
            and not connection.has_expired()
            and self._idle_count < self._max_idle
        ):
            idle = self._idle.setdefault(_key(connection.origin), deque())
            while idle and idle[0].has_expired():  # the oldest: expired ones go as others come
                self._idle_count -= 1
                await self._drop(idle.popleft())
            idle.append(connection)
            self._idle_count += 1
            self._wake()
        else:
            await self._drop(connection)

    async def _drop(self, connection: LeanConnection) -> None:
        self._connections.discard(connection)
        self._wake()
        if not connection.is_closed():
            with contextlib.suppress(Exception):  # one that fails to close is gone all the same
                await connection.aclose()

    def _wake(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(True)
                return

    async def aclose(self) -> None:
        connections, self._connections = list(self._connections), set()
        self._idle.clear()
        self._idle_count = 0
        for connection in connections:
            await connection.aclose()

    async def __aenter__(self) -> LeanPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _key(origin: httpcore.Origin) -> tuple[bytes, bytes, int]:
    return origin.scheme, origin.host, origin.port  # an Origin compares equal but not hashes


class _Body:
    """A response's body; its connection goes back to the pool when it is closed."""

    def __init__(
        self,
        stream: AsyncIterable[bytes],
        pool: LeanPool,
        connection: LeanConnection,
    ) -> None:
        self._stream = stream
        self._pool = pool
        self._connection = connection
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._stream:
                yield part
        except BaseException:
            await self.aclose()
            raise

    async def aclose(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            close = getattr(self._stream, "aclose", None)
            if close is not None:
                await close()
        finally:
            await self._pool._give_back(self._connection)


def use_lean_pool(client: httpx.AsyncClient) -> bool:
    """Give ``client``'s own transport a :class:`LeanPool` in place of httpcore's.

    Only httpx's default transport, for HTTP/1.1 and without proxies, is changed (a transport
    passed in by the caller is used as given); True when it was."""
    transport = getattr(client, "_transport", None)
    pool = getattr(transport, "_pool", None)
    if (
        type(transport) is not httpx.AsyncHTTPTransport
        or type(pool) is not httpcore.AsyncConnectionPool
        or getattr(client, "_mounts", None)
        or getattr(pool, "_http2", True)
        or getattr(pool, "_socket_options", None)
    ):
        return False
    own: typing.Any = pool
    try:
        lean = LeanPool(
            ssl_context=own._ssl_context,
            max_connections=own._max_connections,
            max_keepalive_connections=own._max_keepalive_connections,
            keepalive_expiry=own._keepalive_expiry,
            local_address=own._local_address,
            uds=own._uds,
            retries=own._retries,
        )
    except AttributeError:  # another httpcore: its own pool stays
        return False
    typing.cast(typing.Any, transport)._pool = lean
    return True
