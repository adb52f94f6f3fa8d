"""The append script's own connection: the same answers and errors as redis-py's client gave,
the script loaded again when Redis forgot it, and a new connection after a broken one."""

from __future__ import annotations

import asyncio
import importlib.util
import json

import pytest
import redis
from redis.exceptions import ConnectionError, ResponseError, TimeoutError

from django_llmshop.support.streamappend import APPEND_SCRIPT, script_args
from django_llmshop.support.streambuffer import POOL_OPTIONS, RedisStreamBuffer
from django_llmshop.support.streamsend import ScriptConnection, command, script_caller
from tests.support.conftest import redis_url_or_skip

MESSAGE = 9_400_000
PREFIX = RedisStreamBuffer.KEY_PREFIX
LIVE = "llmshop:test:streamsend:live"


def args(*events):
    return script_args(events, PREFIX, 60, LIVE, 100)


@pytest.fixture
def url():
    found = redis_url_or_skip()
    client = redis.Redis.from_url(found)
    client.delete(f"{PREFIX}{MESSAGE}", LIVE)
    yield found
    client.delete(f"{PREFIX}{MESSAGE}", LIVE)


def caller(url: str, **options) -> ScriptConnection:
    call = script_caller(url, APPEND_SCRIPT, {**POOL_OPTIONS, **options}, client=None)
    assert isinstance(call, ScriptConnection)
    return call


def run(call: ScriptConnection, *batches):
    async def main():
        try:
            return [await call(batch) for batch in batches]
        finally:
            call.close()

    return asyncio.run(main())


def test_a_call_writes_in_the_database_of_the_url_and_answers_per_event(url):
    events = [(MESSAGE, 1, "token", json.dumps("Hi")), (MESSAGE, 1, "token", json.dumps("again"))]
    [answers] = run(caller(url), args(*events))
    assert answers[0] == b""
    assert b"equal or smaller" in answers[1]  # the same number twice: the first stays
    entries = redis.Redis.from_url(url).xrange(f"{PREFIX}{MESSAGE}")
    assert [fields[b"data"] for _id, fields in entries] == [b'"Hi"']


def test_a_script_that_redis_forgot_is_loaded_again(url):
    call = caller(url)

    async def main():
        try:
            first = await call(args((MESSAGE, 1, "token", '"a"')))
            redis.Redis.from_url(url).script_flush()
            second = await call(args((MESSAGE, 2, "token", '"b"')))
            return first, second
        finally:
            call.close()

    assert asyncio.run(main()) == ([b""], [b""])


def test_an_error_answer_is_raised_and_the_connection_still_serves(url):
    call = caller(url)

    async def main():
        try:
            with pytest.raises(ResponseError):
                await call([60, LIVE, 100, PREFIX, "not json"])
            return await call(args((MESSAGE, 1, "token", '"ok"')))
        finally:
            call.close()

    assert asyncio.run(main()) == [b""]


def test_a_connection_the_server_closed_is_replaced_and_the_call_made_again(url):
    call = caller(url)
    admin = redis.Redis.from_url(url)

    async def connection_id() -> int:
        return await call._exchange(command(b"CLIENT", b"ID"))

    async def main():
        try:
            await call(args((MESSAGE, 1, "token", '"a"')))
            first = await connection_id()
            admin.client_kill_filter(_id=first)
            answer = await call(args((MESSAGE, 2, "token", '"b"')))
            return first, answer, await connection_id()
        finally:
            call.close()

    first, answer, second = asyncio.run(main())
    assert answer == [b""]
    assert second != first
    entries = admin.xrange(f"{PREFIX}{MESSAGE}")
    assert [fields[b"data"] for _id, fields in entries] == [b'"a"', b'"b"']


def test_a_server_that_cannot_be_reached_is_a_connection_error():
    with pytest.raises(ConnectionError):
        run(caller("redis://127.0.0.1:1/0"), args((MESSAGE, 1, "token", '"a"')))


def test_a_refused_password_is_raised(url):
    with_password = url.replace("redis://", "redis://:not-the-password@", 1)
    with pytest.raises(ResponseError):
        run(caller(with_password), args((MESSAGE, 1, "token", '"a"')))


def test_a_server_that_does_not_answer_is_a_timeout_and_a_cancelled_call_closes():
    async def main():
        async def silent(reader, writer):
            await reader.read()  # reads the command, never answers

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        call = caller(f"redis://127.0.0.1:{port}/0", socket_timeout=0.2)
        try:
            with pytest.raises(TimeoutError):
                await call(args((MESSAGE, 1, "token", '"a"')))
            assert call._writer is None  # closed: what the server sends later is not read
            pending = asyncio.ensure_future(call(args((MESSAGE, 1, "token", '"a"'))))
            await asyncio.sleep(0.05)
            pending.cancel()
            with pytest.raises(asyncio.CancelledError):
                await pending
            assert call._writer is None
        finally:
            call.close()
            server.close()

    asyncio.run(main())


def test_without_hiredis_or_plain_tcp_the_client_calls_the_script(url, monkeypatch):
    class Client:
        def register_script(self, script):
            async def registered(args):
                return ("client", script is APPEND_SCRIPT, args)

            return registered

    unix = script_caller("unix:///tmp/redis.sock", APPEND_SCRIPT, POOL_OPTIONS, Client())
    assert not isinstance(unix, ScriptConnection)
    assert asyncio.run(unix([1, "x"])) == ("client", True, [1, "x"])
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "hiredis" else real(name)
    )
    assert not isinstance(
        script_caller(url, APPEND_SCRIPT, POOL_OPTIONS, Client()), ScriptConnection
    )


def test_a_command_is_written_in_redis_protocol():
    assert (
        command(b"SET", b"k", "é".encode()) == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\n\xc3\xa9\r\n"
    )
