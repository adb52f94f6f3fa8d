"""The lean pool's HTTP/1.1 framing, against scripted servers, with httpx's own pool (h11) as
the reference: whatever the server sends, both give the same body, or the same kind of error."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import httpx
import pytest

from django_llmshop.llm import netpool
from django_llmshop.llm.netbody import Body
from django_llmshop.llm.netpool import body_parts
from tests.llm.test_netpool import Served, lean_client, pool_of, read_request, serving

#: A response, as the writes the server makes (with a short pause between them, so that
#: they arrive in separate reads).
Script = Sequence[bytes]


def scripted(*responses: Script, close: bool = False):
    """A server answering its connection's requests with ``responses`` in turn."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for response in responses:
            if not await read_request(reader):
                return
            for part in response:
                writer.write(part)
                await writer.drain()
                await asyncio.sleep(0.002)
        if close:
            writer.close()
        else:
            await reader.read()  # the client's close

    return handler


async def outcome(client: httpx.AsyncClient, url: str, method: str = "GET") -> object:
    """The status and body, read as the async client reads a stream (straight from a lean
    connection's body; through httpx's generators for httpx's pool), or the error's type."""
    try:
        async with client.stream(method, url) as response:
            content = b"".join([part async for part in body_parts(response)])
    except httpx.HTTPError as exc:
        return type(exc)
    return response.status_code, content


async def both(
    responses: Sequence[Script], *, close: bool = False, method: str = "GET"
) -> tuple[list[object], list[object], Served]:
    """What the lean pool and httpx's own pool make of the same responses, in turn on one
    connection (a new one after a connection is left unusable)."""
    results = []
    for lean in (True, False):
        async with serving(scripted(*responses, close=close)) as (url, served):
            client = lean_client() if lean else httpx.AsyncClient(timeout=5)
            async with client:
                results.append([await outcome(client, url, method) for _ in responses])
    return results[0], results[1], served


def bytewise(data: bytes) -> list[bytes]:
    return [data[i : i + 1] for i in range(len(data))]


CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
CHUNKED_BODY = b"5\r\nhello\r\n1;name=value\r\n \r\n6\r\nworld!\r\n0\r\n\r\n"

CASES = {
    "chunked, one write": [CHUNKED_HEAD + CHUNKED_BODY],
    "chunked, byte by byte": bytewise(CHUNKED_HEAD + CHUNKED_BODY),
    "whole chunks, then one split across reads": [
        CHUNKED_HEAD + b"5\r\nhello\r\n6\r\nworld!\r\n3\r\nab",
        b"c\r\n0\r\n\r\n",
    ],
    "a bad size after a whole chunk": [CHUNKED_HEAD + b"5\r\nhello\r\nzz\r\nabc\r\n0\r\n\r\n"],
    "chunked with trailers": [CHUNKED_HEAD + b"3\r\nabc\r\n0\r\nX-Sum: 1\r\nX-B: 2\r\n\r\n"],
    "chunked, upper-case size": [CHUNKED_HEAD + b"A\r\n0123456789\r\n0\r\n\r\n"],
    "sized, in pieces": [b"HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello", b" world"],
    "empty 204": [b"HTTP/1.1 204 No Content\r\n\r\n"],
    "a 100 Continue first": [
        b"HTTP/1.1 100 Continue\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
    ],
    "header folded": [b"HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\nContent-Length: 0\r\n\r\n"],
    "bad chunk size": [CHUNKED_HEAD + b"zz\r\nhello\r\n0\r\n\r\n"],
    "chunk longer than its size": [CHUNKED_HEAD + b"2\r\nhello\r\n0\r\n\r\n"],
    "two lengths": [b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc"],
    "not HTTP": [b"SSH-2.0-OpenSSH_9.2\r\n\r\n"],
    "negative chunk size": [CHUNKED_HEAD + b"-3\r\nhello\r\n0\r\n\r\n"],
    "chunk size with 0x": [CHUNKED_HEAD + b"0x5\r\nhello\r\n0\r\n\r\n"],
    "lines ending in LF alone": [b"HTTP/1.1 200 OK\nContent-Length: 5\n\nhello"],
    "chunk lines ending in LF alone": [CHUNKED_HEAD + b"5\nhello\r\n0\n\n"],
    "a repeated length in one header": [b"HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello"],
    "another coding before chunked": [
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
    ],
    "a header name with a space": [b"HTTP/1.1 200 OK\r\nX Y: 1\r\nContent-Length: 0\r\n\r\n"],
}


@pytest.mark.parametrize("script", CASES.values(), ids=CASES.keys())
def test_the_same_body_or_error_as_h11(script):
    lean, reference, _served = asyncio.run(both([script, script]))
    assert lean == reference


@pytest.mark.parametrize(
    "script",
    [
        [b"HTTP/1.1 200 OK\r\n\r\nuntil the end"],  # no length: the body ends with the connection
        [CHUNKED_HEAD + b"5\r\nhel"],  # cut in the middle of a chunk
        [b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhalf"],
    ],
    ids=["close-delimited", "chunk cut short", "sized cut short"],
)
def test_a_connection_that_closes_ends_the_body_as_h11_says(script):
    lean, reference, _served = asyncio.run(both([script], close=True))
    assert lean == reference


@pytest.mark.parametrize(
    ("script", "connections"),
    [
        ([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"], 1),
        ([b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"], 2),
        ([b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"], 2),
    ],
    ids=["kept alive", "Connection: close", "HTTP/1.0"],
)
def test_a_connection_is_used_again_only_when_the_server_keeps_it(script, connections):
    async def main() -> tuple[list[object], int]:
        responses = [script, script]
        async with serving(scripted(*responses)) as (url, served), lean_client() as client:
            found = [await outcome(client, url) for _ in responses]
            return found, served.opened

    found, opened = asyncio.run(main())
    assert found == [(200, b"ok")] * 2
    assert opened == connections


def test_a_head_request_has_no_body_whatever_its_length_says():
    head = [b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"]
    lean, reference, served = asyncio.run(both([head, head], method="HEAD"))
    assert lean == reference == [(200, b"")] * 2
    assert served.opened == 1


def test_a_chunk_is_passed_on_as_it_arrives_not_when_it_is_whole():
    """The first half of a chunk reaches the reader before the server sends the second."""
    first_half = asyncio.Event()

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(CHUNKED_HEAD + b"a\r\n01234")
        await writer.drain()
        await asyncio.wait_for(first_half.wait(), 5)
        writer.write(b"56789\r\n0\r\n\r\n")
        await writer.drain()

    async def main() -> list[bytes]:
        async with (
            serving(handler) as (url, _),
            lean_client() as client,
            client.stream("GET", url) as response,
        ):
            parts = []
            async for part in response.aiter_raw():
                parts.append(part)
                first_half.set()
            return parts

    assert asyncio.run(main()) == [b"01234", b"56789"]


def test_a_streamed_request_body_is_sent_chunked():
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        assert b"transfer-encoding: chunked" in head.lower()
        while size := int((await reader.readline()).strip(), 16):
            received.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readexactly(2)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()

    async def parts() -> AsyncIterator[bytes]:
        for part in (b"one", b"", b"two"):
            yield part

    async def main() -> tuple[int, int]:
        async with serving(handler) as (url, _), lean_client() as client:
            response = await client.post(url, content=parts())
            return response.status_code, pool_of(client).idle_connections

    assert asyncio.run(main()) == (200, 1)
    assert received == [b"one", b"two"]


async def ours_and_h11(send: Callable[[httpx.AsyncClient, str], Awaitable[object]]) -> list[object]:
    """What ``send`` gets from a server that answers every request with "ok", through the lean
    pool and through httpx's own."""
    found = []
    for lean in (True, False):
        async with serving(
            scripted(*[[b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"]] * 3)
        ) as (
            url,
            _,
        ):
            client = lean_client() if lean else httpx.AsyncClient(timeout=5)
            async with client:
                try:
                    found.append(await send(client, url))
                except httpx.HTTPError as exc:
                    found.append(type(exc))
    return found


def test_a_header_that_would_end_its_line_is_refused_not_sent():
    async def send(client: httpx.AsyncClient, url: str) -> object:
        return (await client.get(url, headers={"X-A": "a\r\nX-Injected: 1"})).status_code

    assert asyncio.run(ours_and_h11(send)) == [httpx.LocalProtocolError] * 2


@pytest.mark.parametrize("parts", [[b"ab"], [b"abcde", b"GET /next HTTP/1.1\r\n\r\n"]])
def test_a_body_that_does_not_match_its_length_is_refused(parts):
    """Too short, it would leave the server waiting; too long, the rest would be a request of
    its own. (h11 refuses both too, with an error of its own that httpx does not map.)"""
    heads: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while head := await reader.readuntil(b"\r\n\r\n"):
            heads.append(head)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            await writer.drain()

    async def body() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    async def main() -> None:
        async with serving(handler) as (url, _), lean_client() as client:
            with pytest.raises(httpx.LocalProtocolError, match="Content-Length"):
                await client.post(url, content=body(), headers={"Content-Length": "5"})
            assert (await client.get(url)).content == b"ok"  # on a connection of its own

    asyncio.run(main())
    assert not any(head.startswith(b"GET /next") for head in heads)


def test_an_answer_that_comes_while_the_body_is_refused_is_read():
    """The server answers 413 to the head, closes, and reads no more: the client, still
    sending, gets the 413 rather than the write's error."""

    async def refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 413 Too Large\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbig")
        await writer.drain()
        writer.close()

    async def body() -> AsyncIterator[bytes]:
        for _ in range(64):
            yield b"x" * 65536
            await asyncio.sleep(0.001)

    async def main() -> tuple[int, bytes, int]:
        async with serving(refuse) as (url, _), lean_client() as client:
            response = await client.post(url, content=body())
            return response.status_code, response.content, pool_of(client).connections

    assert asyncio.run(main()) == (413, b"big", 0)


@pytest.mark.parametrize("framing", ["chunked", "close"])
def test_closing_the_client_mid_body_is_a_read_error_not_a_short_body(framing):
    async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        head = CHUNKED_HEAD if framing == "chunked" else b"HTTP/1.1 200 OK\r\n\r\n"
        writer.write(head + (b"5\r\nhello\r\n" if framing == "chunked" else b"hello"))
        await writer.drain()
        await asyncio.sleep(5)

    async def main() -> object:
        async with serving(slow) as (url, _):
            client = lean_client()
            async with client.stream("GET", url) as response:
                parts = response.aiter_raw()
                assert await anext(parts) == b"hello"
                pending = asyncio.ensure_future(anext(parts))
                await asyncio.sleep(0.05)
                await client.aclose()
                try:
                    return await asyncio.wait_for(pending, 2)
                except httpx.HTTPError as exc:
                    return type(exc)

    assert asyncio.run(main()) == httpx.ReadError


def test_a_lean_body_is_read_directly_and_a_coded_one_through_httpx():
    text = b"hello, compressed world"
    packed = gzip.compress(text)
    coded = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(packed)
    plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    async def main() -> list[tuple[bool, bytes]]:
        found = []
        async with (
            serving(scripted([plain], [coded + packed])) as (url, _),
            lean_client() as client,
        ):
            for _ in range(2):
                async with client.stream("GET", url) as response:
                    direct = isinstance(netpool._lean_body(response), Body)
                    found.append((direct, b"".join([p async for p in body_parts(response)])))
            assert pool_of(client).idle_connections == 1  # given back after each
        return found

    assert asyncio.run(main()) == [(True, b"ok"), (False, text)]
