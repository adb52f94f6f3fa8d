"""The async client's connection pool and network streams, against scripted loopback servers."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable

import httpcore
import httpx
import pytest

from django_llmshop.llm import AsyncLLMClient, netstream
from django_llmshop.llm.netpool import LeanPool, use_lean_pool

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Served:
    """What a scripted server saw: connections opened, and the most open at once."""

    def __init__(self) -> None:
        self.opened = 0
        self.open = 0
        self.peak = 0


@contextlib.asynccontextmanager
async def serving(
    handler: Handler, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[tuple[str, Served]]:
    served = Served()

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        served.opened += 1
        served.open += 1
        served.peak = max(served.peak, served.open)
        try:
            await handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            served.open -= 1
            writer.close()

    server = await asyncio.start_server(connection, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    scheme = "https" if ssl_context else "http"
    try:
        yield (
            f"{scheme}://localhost:{port}" if ssl_context else f"{scheme}://127.0.0.1:{port}",
            served,
        )
    finally:
        server.close()


async def read_request(reader: asyncio.StreamReader) -> bool:
    """Read one request (head and Content-Length body); False at the end of the connection."""
    head = await reader.readuntil(b"\r\n\r\n") if not reader.at_eof() else b""
    if not head:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    return True


def answer(body: bytes, *, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%s\r\n%s" % (len(body), extra, body)


def keep_alive(body: bytes = b"hello", delay: float = 0.0) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader):
            await asyncio.sleep(delay)
            writer.write(answer(body))
            await writer.drain()

    return handler


def lean_client(**limits: int) -> httpx.AsyncClient:
    client = httpx.AsyncClient(limits=httpx.Limits(**limits), timeout=5)
    assert use_lean_pool(client)
    return client


def pool_of(client: httpx.AsyncClient) -> LeanPool:
    pool = client._transport._pool  # type: ignore[attr-defined]
    assert isinstance(pool, LeanPool)
    return pool


def test_the_async_client_sends_through_the_lean_pool_unless_given_a_transport():
    async def main() -> tuple[object, object]:
        own = AsyncLLMClient(base_url="http://127.0.0.1:9/v1", model="m")
        given = AsyncLLMClient(
            base_url="http://127.0.0.1:9/v1",
            model="m",
            transport=httpx.AsyncHTTPTransport(),
        )
        pools = own._state().http._transport._pool, given._state().http._transport._pool  # type: ignore[attr-defined]
        await own.aclose()
        await given.aclose()
        return pools

    own, given = asyncio.run(main())
    assert isinstance(own, LeanPool)
    assert type(given) is httpcore.AsyncConnectionPool


def test_proxies_and_http2_keep_httpx_pool(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert not use_lean_pool(httpx.AsyncClient())
    monkeypatch.delenv("HTTPS_PROXY")
    with contextlib.suppress(ImportError):  # without the h2 package httpx refuses http2 itself
        assert not use_lean_pool(httpx.AsyncClient(http2=True))


def test_one_connection_serves_requests_one_after_another():
    async def main() -> tuple[int, list[bytes]]:
        async with serving(keep_alive()) as (url, served), lean_client() as client:
            bodies = [(await client.get(url)).content for _ in range(30)]
            return served.opened, bodies

    opened, bodies = asyncio.run(main())
    assert opened == 1
    assert bodies == [b"hello"] * 30


def test_requests_beyond_max_connections_wait_for_one_to_come_back():
    async def main() -> tuple[Served, list[int], LeanPool]:
        async with serving(keep_alive(delay=0.05)) as (url, served):
            client = lean_client(max_connections=4, max_keepalive_connections=2)
            async with client:
                responses = await asyncio.gather(*[client.get(url) for _ in range(20)])
                return served, [r.status_code for r in responses], pool_of(client)

    served, statuses, pool = asyncio.run(main())
    assert statuses == [200] * 20
    assert served.peak == 4
    assert (pool.connections, pool.idle_connections) == (0, 0)  # closed with the client


def test_idle_connections_beyond_the_keepalive_limit_are_closed():
    async def main() -> tuple[int, int]:
        async with (
            serving(keep_alive(delay=0.02)) as (url, _),
            lean_client(max_connections=10, max_keepalive_connections=3) as client,
        ):
            await asyncio.gather(*[client.get(url) for _ in range(10)])
            pool = pool_of(client)
            return pool.connections, pool.idle_connections

    assert asyncio.run(main()) == (3, 3)


def test_a_request_waits_no_longer_than_its_pool_timeout():
    async def main() -> None:
        async with (
            serving(keep_alive(b"x" * 10, delay=1.0)) as (url, _),
            lean_client(max_connections=1) as client,
        ):
            slow = asyncio.ensure_future(client.get(url))
            await asyncio.sleep(0.05)
            with pytest.raises(httpx.PoolTimeout):
                await client.get(url, timeout=httpx.Timeout(5, pool=0.1))
            slow.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await slow
            assert (await client.get(url)).content == b"x" * 10  # the pool is not stuck

    asyncio.run(main())


def test_a_connection_the_server_closed_while_idle_is_not_used_again():
    async def one_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer(b"once"))  # keep-alive by HTTP/1.1, then closed all the same
        await writer.drain()

    async def main() -> tuple[list[bytes], int]:
        async with serving(one_answer) as (url, served), lean_client() as client:
            bodies = []
            for _ in range(3):
                bodies.append((await client.get(url)).content)
                await asyncio.sleep(0.05)  # the close reaches the idle connection
            return bodies, served.opened

    assert asyncio.run(main()) == ([b"once"] * 3, 3)


def test_a_stalled_server_gives_a_read_timeout_and_the_connection_is_dropped():
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
        await writer.drain()
        await asyncio.sleep(5)

    async def main() -> int:
        async with serving(stall) as (url, _), lean_client() as client:
            with pytest.raises(httpx.ReadTimeout):
                await client.get(url, timeout=httpx.Timeout(5, read=0.2))
            return pool_of(client).connections

    assert asyncio.run(main()) == 0


def test_a_body_cut_short_is_an_error_not_a_short_answer():
    async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this")
        await writer.drain()

    async def main() -> None:
        async with serving(cut) as (url, _), lean_client() as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get(url)

    asyncio.run(main())


def test_nothing_listening_is_a_connect_error():
    async def main() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        async with lean_client() as client:
            with pytest.raises(httpx.ConnectError):
                await client.get(f"http://127.0.0.1:{port}/")

    asyncio.run(main())


def test_a_large_body_arrives_whole_while_reading_pauses_and_resumes(monkeypatch):
    monkeypatch.setattr(netstream, "HIGH_WATER", 64 * 1024)
    monkeypatch.setattr(netstream, "LOW_WATER", 16 * 1024)
    body = bytes(range(256)) * 16 * 1024  # 4 MiB
    pauses = []
    real = netstream._Buffer.data_received

    def counting(self: netstream._Buffer, data: bytes) -> None:
        was = self.paused
        real(self, data)
        if self.paused and not was:
            pauses.append(self.size)

    monkeypatch.setattr(netstream._Buffer, "data_received", counting)

    async def main() -> bytes:
        async with (
            serving(keep_alive(body)) as (url, _),
            lean_client() as client,
            client.stream("GET", url) as response,
        ):
            parts = []
            async for part in response.aiter_raw():
                parts.append(part)
                await asyncio.sleep(0.001)  # a slow reader: the buffer fills up
            return b"".join(parts)

    assert asyncio.run(main()) == body
    assert pauses, "reading was never paused"


def test_a_cancelled_stream_gives_its_connection_back_for_the_next_request():
    async def endless(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader):
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
            for _ in range(200):
                writer.write(b"5\r\nhello\r\n")
                await writer.drain()
                await asyncio.sleep(0.01)
            writer.write(b"0\r\n\r\n")

    async def main() -> tuple[int, int]:
        async with serving(endless) as (url, served), lean_client(max_connections=1) as client:

            async def read_some() -> None:
                async with client.stream("GET", url) as response:
                    async for _ in response.aiter_raw():
                        pass

            task = asyncio.ensure_future(read_some())
            await asyncio.sleep(0.1)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            pool = pool_of(client)
            left = pool.connections
            waiting = asyncio.ensure_future(client.get(url, timeout=httpx.Timeout(5)))
            await asyncio.wait_for(waiting, 5)  # the one connection came free
            assert waiting.result().status_code == 200
            return left, served.opened

    left, opened = asyncio.run(main())
    assert left == 0  # a half-read response's connection is closed, not reused
    assert opened == 2


@pytest.fixture(scope="module")
def certificates():
    trustme = pytest.importorskip("trustme", reason="trustme is in the test dependency group")
    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server)
    client = ssl.create_default_context()
    authority.configure_trust(client)
    return server, client


def test_https_through_the_lean_stream(certificates):
    server_context, client_context = certificates

    async def main() -> tuple[list[bytes], int, object]:
        async with serving(keep_alive(b"secret"), server_context) as (url, served):
            client = httpx.AsyncClient(verify=client_context)
            assert use_lean_pool(client)
            async with client:
                bodies = []
                for _ in range(3):
                    async with client.stream("GET", url) as response:
                        stream = response.extensions["network_stream"]
                        ssl_object = stream.get_extra_info("ssl_object")
                        bodies.append(await response.aread())
                return bodies, served.opened, ssl_object

    bodies, opened, ssl_object = asyncio.run(main())
    assert bodies == [b"secret"] * 3
    assert opened == 1
    assert ssl_object is not None


def test_a_certificate_not_trusted_is_a_connect_error(certificates):
    server_context, _ = certificates

    async def main() -> None:
        async with serving(keep_alive(), server_context) as (url, _):
            client = httpx.AsyncClient()  # the system's authorities, not the test's
            assert use_lean_pool(client)
            async with client:
                with pytest.raises(httpx.ConnectError):
                    await client.get(url)

    asyncio.run(main())


def test_the_read_timeout_counts_from_the_last_data_not_the_first_wait():
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        for _ in range(12):  # 0.6 s of data, 50 ms apart, each gap under the 0.2 s timeout
            writer.write(b"1\r\nx\r\n")
            await writer.drain()
            await asyncio.sleep(0.05)
        await asyncio.sleep(5)  # then nothing

    async def main() -> tuple[bytes, float]:
        loop = asyncio.get_running_loop()
        async with serving(trickle) as (url, _), lean_client() as client:
            received = b""
            started = loop.time()
            with pytest.raises(httpx.ReadTimeout):
                async with client.stream("GET", url, timeout=httpx.Timeout(5, read=0.2)) as r:
                    async for part in r.aiter_raw():
                        received += part
            return received, loop.time() - started

    received, took = asyncio.run(asyncio.wait_for(main(), 5))
    assert received == b"x" * 12
    assert 0.6 <= took < 2.0
