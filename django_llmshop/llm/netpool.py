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
import functools
import ssl
import typing
from collections import deque
from collections.abc import AsyncIterator

import httpcore
import httpx

from .netbody import Body
from .nethttp import LeanConnection
from .netstream import AsyncioBackend, wait_woken

try:  # how httpx's transport turns httpcore's errors into its own
    from httpx._transports.default import map_httpcore_exceptions
except ImportError:  # another httpx: its own reading is used
    map_httpcore_exceptions = None  # type: ignore[assignment]


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
            body = response.stream
            assert isinstance(body, Body)
            body.release = functools.partial(self._give_back, connection)
            return response

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


def body_parts(response: httpx.Response) -> AsyncIterator[bytes]:
    """``response``'s body as its bytes arrive, as ``response.aiter_bytes()`` gives them.

    A body of this pool's connections with no content coding is read from the connection
    itself: ``aiter_bytes()`` passes each part through four of httpx's generators, which cost a
    worker relaying streamed replies more CPU than splitting their events. Errors are httpx's
    either way; the response is closed by ``response.aclose()`` as usual.
    """
    body = _lean_body(response)
    if body is None:
        return response.aiter_bytes()
    response.is_stream_consumed = True
    return _mapped(body)


def _lean_body(response: httpx.Response) -> Body | None:
    coding = response.headers.get("content-encoding", "identity").strip().lower()
    if map_httpcore_exceptions is None or coding not in ("", "identity"):
        return None
    if response.is_stream_consumed or response.is_closed:
        return None
    # httpx's client binds its transport's stream (which wraps the pool's) to the response.
    inner = getattr(getattr(response.stream, "_stream", None), "_httpcore_stream", None)
    return inner if isinstance(inner, Body) else None


async def _mapped(body: Body) -> AsyncIterator[bytes]:
    assert map_httpcore_exceptions is not None
    with map_httpcore_exceptions():
        async for part in body:
            yield part


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
