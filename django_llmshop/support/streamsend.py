"""The append script's calls from one event loop, on a Redis connection of their own.

An event loop's batcher (:mod:`.streambatch`) has one batch on its way at a time, so its calls
need one connection and nothing of a pool. Through redis-py's async client a call took a pooled
connection and gave it back, armed its socket timeout as a task of its own, and packed each
argument: at 1,000 open streams that was most of the worker's CPU after the model's streams
themselves. Here the ``EVALSHA`` command is written as one piece of bytes and its answer read
with hiredis's parser; the script is loaded when Redis answers that it does not know it (a
restarted server, ``SCRIPT FLUSH``).

Errors are redis-py's (``ConnectionError``, ``TimeoutError``, ``ResponseError``), as its client
raised them. A call that fails or is cancelled midway closes the connection (what is left on
it is unknown); the next call opens a new one. A call whose connection broke (one that was
open before the call: Redis restarted, or a proxy closed it while idle) is made once more on
a new connection, as redis-py's client retries. Used where hiredis is installed and the URL is a
plain TCP one (``redis://``); otherwise :func:`script_caller` gives redis-py's own call.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

#: Calls the script with its ARGV; answers as Redis sent them.
ScriptCall = Callable[[Sequence[Any]], Awaitable[Any]]
READ_SIZE = 64 * 1024


def command(*parts: bytes) -> bytes:
    """A command in Redis's protocol (RESP)."""
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out += (b"$%d\r\n" % len(part), part, b"\r\n")
    return b"".join(out)


def _encoded(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode()


class ScriptConnection:
    """Calls one Lua script on a connection of its own (one call at a time)."""

    def __init__(self, script: str, options: dict[str, Any]) -> None:
        from redis import exceptions  # redis is an extra: imported once it is used

        self._errors = exceptions
        self._script = script.encode()
        self._sha = hashlib.sha1(self._script, usedforsecurity=False).hexdigest().encode()
        self._host = options.get("host") or "localhost"
        self._port = int(options.get("port") or 6379)
        self._db = int(options.get("db") or 0)
        self._username = options.get("username")
        self._password = options.get("password")
        self._timeout = options.get("socket_timeout")
        self._connect_timeout = options.get("socket_connect_timeout") or self._timeout
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._parser: Any = None

    async def __call__(self, args: Sequence[Any]) -> Any:
        call = command(b"EVALSHA", self._sha, b"0", *map(_encoded, args))
        answer = await self._round_trip(call)
        if self._is_error(answer) and str(answer).startswith("NOSCRIPT"):
            loaded = await self._round_trip(command(b"SCRIPT", b"LOAD", self._script))
            if self._is_error(loaded):
                raise loaded
            answer = await self._round_trip(call)
        if self._is_error(answer):
            raise answer
        return answer

    def _is_error(self, answer: Any) -> bool:
        return isinstance(answer, self._errors.ResponseError)

    async def _round_trip(self, packed: bytes) -> Any:
        while True:
            fresh = self._writer is None
            try:
                if fresh:
                    await self._connect()
                async with asyncio.timeout(self._timeout):
                    return await self._exchange(packed)
            except BaseException as exc:
                self.close()  # whatever is left on the connection is unknown
                if isinstance(exc, asyncio.TimeoutError):  # (an OSError too)
                    raise self._errors.TimeoutError("Timeout talking to Redis") from exc
                if isinstance(exc, OSError | EOFError):
                    if not fresh:
                        # A connection that sat idle may have been closed meanwhile (a restart,
                        # a proxy): once more on a new one. The script may have run before the
                        # answer was lost; it keeps the first of an event written twice.
                        continue
                    raise self._errors.ConnectionError(f"Error talking to Redis: {exc}") from exc
                raise

    async def _exchange(self, packed: bytes) -> Any:
        reader, writer, parser = self._reader, self._writer, self._parser
        assert reader is not None and writer is not None
        writer.write(packed)
        await writer.drain()
        while (answer := parser.gets()) is False:
            data = await reader.read(READ_SIZE)
            if not data:
                raise EOFError("Redis closed the connection")
            parser.feed(data)
        return answer

    async def _connect(self) -> None:
        import hiredis

        async with asyncio.timeout(self._connect_timeout):
            self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
            self._parser = hiredis.Reader(replyError=self._errors.ResponseError)
            hello = []
            if self._password is not None:
                names = [self._username] if self._username else []
                hello.append(command(b"AUTH", *map(_encoded, [*names, self._password])))
            if self._db:
                hello.append(command(b"SELECT", _encoded(self._db)))
            for each in hello:
                answer = await self._exchange(each)
                if self._is_error(answer):
                    raise answer

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = self._parser = None


def script_caller(url: str, script: str, options: dict[str, Any], client: Any) -> ScriptCall:
    """How an event loop calls ``script`` on the Redis at ``url``: on a connection of its own,
    or through ``client`` (the loop's redis-py client) where hiredis is missing or the URL is
    not plain TCP (TLS, a Unix socket)."""
    import redis.asyncio

    pool = redis.asyncio.BlockingConnectionPool.from_url(url, **options)
    has_hiredis = importlib.util.find_spec("hiredis") is not None
    if not has_hiredis or pool.connection_class is not redis.asyncio.Connection:
        return client_call(client, script)
    return ScriptConnection(script, {**pool.connection_kwargs})


def client_call(client: Any, script: str) -> ScriptCall:
    """Calls of ``script`` through ``client``, a ``redis.asyncio`` client (its pool, timeouts
    and retries)."""
    registered = client.register_script(script)

    async def through_client(args: Sequence[Any]) -> Any:
        return await registered(args=list(args))

    return through_client
