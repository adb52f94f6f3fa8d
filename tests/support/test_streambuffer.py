"""Both stream buffers: ordered events, resuming after a cursor, waiting, async reads."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

import pytest

from django_llmshop.support.models import Conversation
from django_llmshop.support.streambuffer import (
    DONE,
    TOKEN,
    DatabaseStreamBuffer,
    RedisStreamBuffer,
    get_stream_buffer,
)
from django_llmshop.support.streamwriter import StreamWriter
from tests.support.conftest import new_reply


def test_events_come_back_in_order_after_a_cursor(db, stream_backend):
    buffer = get_stream_buffer()
    expected = RedisStreamBuffer if stream_backend == "redis" else DatabaseStreamBuffer
    assert isinstance(buffer, expected)
    reply = new_reply(Conversation.objects.create(), "hi")
    buffer.clear(reply.pk)
    writer = StreamWriter(buffer, reply.pk)
    for piece in ["Hel", "lo", " there"]:
        writer.token(piece)
        writer.flush()
    writer.finish(DONE, {"id": reply.pk})
    events = buffer.read(reply.pk, 0)
    assert [e.kind for e in events] == [TOKEN, TOKEN, TOKEN, DONE]
    assert [e.seq for e in events] == [1, 2, 3, 4]
    assert "".join(e.decoded() for e in events[:3]) == "Hello there"
    assert [e.seq for e in buffer.read(reply.pk, 2)] == [3, 4]
    assert buffer.read(reply.pk, 4) == []
    # A redelivered task rewriting event 2 leaves the first version in place.
    buffer.append(reply.pk, 2, TOKEN, '"other"')
    assert buffer.read(reply.pk, 1)[0].decoded() == "lo"
    buffer.clear(reply.pk)
    assert buffer.read(reply.pk, 0) == []


def test_a_blocking_read_wakes_up_when_an_event_arrives(transactional_db, stream_backend):
    buffer = get_stream_buffer()
    reply = new_reply(Conversation.objects.create(), "hi")
    buffer.clear(reply.pk)

    def later() -> None:
        time.sleep(0.3)
        buffer.append(reply.pk, 1, TOKEN, '"late"')

    thread = threading.Thread(target=later)
    started = time.monotonic()
    thread.start()
    events = buffer.read(reply.pk, 0, block=5)
    waited = time.monotonic() - started
    thread.join()
    assert [e.decoded() for e in events] == ["late"]
    assert 0.2 < waited < 3

    if stream_backend == "redis":  # the database's async read runs in the ASGI stream tests
        assert asyncio.run(buffer.aread(reply.pk, 0, block=0.1))[0].decoded() == "late"
        assert asyncio.run(buffer.aread(reply.pk, 1, block=0.1)) == []


def test_tokens_are_gathered_between_flushes(db):
    buffer = DatabaseStreamBuffer()
    reply = new_reply(Conversation.objects.create(), "hi")
    writer = StreamWriter(buffer, reply.pk)
    writer._last_flush = time.monotonic()  # noqa: SLF001 - a flush just happened
    for piece in "abc":
        writer.token(piece)
    writer.finish(DONE, {})
    events = buffer.read(reply.pk, 0)
    assert [(e.kind, e.decoded()) for e in events] == [(TOKEN, "abc"), (DONE, {})]


@pytest.mark.parametrize("protocol", [2, 3])
def test_one_hub_read_serves_every_stream_of_an_event_loop(monkeypatch, settings, protocol):
    """Each subscription gets its own events in order; one subscribed while the hub's read is
    blocked on the other keys is woken into it (else it would wait the hub's whole block).
    Over either protocol of Redis: the hub reads the server's reply as sent."""
    from django_llmshop.support import streamhub
    from tests.support.conftest import redis_url_or_skip

    url = redis_url_or_skip()
    url += ("&" if "?" in url else "?") + f"protocol={protocol}"
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": url}
    monkeypatch.setattr(streamhub, "HUB_BLOCK_MS", 120_000)
    buffer = get_stream_buffer()
    ids = [9_100_000 + i for i in range(20)]
    for message_id in ids:
        buffer.clear(message_id)

    async def scenario() -> dict[int, list[str]]:
        got: dict[int, list[str]] = {}
        async with contextlib.AsyncExitStack() as stack:
            subs = {i: await stack.enter_async_context(buffer.subscribe(i, 0)) for i in ids[:-1]}
            await asyncio.sleep(0.2)  # the hub is now blocked on the first keys
            late = ids[-1]
            subs[late] = await stack.enter_async_context(buffer.subscribe(late, 0))
            await asyncio.to_thread(buffer.append, late, 1, "token", f'"{late}-1"')
            got[late] = [e.decoded() for e in await subs[late].next(60)]
            assert got[late], "the late subscription was not woken into the hub's read"
            await asyncio.to_thread(buffer.append, late, 2, "token", f'"{late}-2"')
            for seq in (1, 2):
                for i in ids[:-1]:
                    await asyncio.to_thread(buffer.append, i, seq, "token", f'"{i}-{seq}"')
            for i, sub in subs.items():
                while len(got.setdefault(i, [])) < 2:
                    events = await sub.next(60)
                    assert events, f"subscription {i} got nothing"
                    got[i] += [e.decoded() for e in events]
        return got

    got = asyncio.run(scenario())
    assert got == {i: [f"{i}-1", f"{i}-2"] for i in ids}
    for message_id in ids:
        buffer.clear(message_id)


def test_a_late_stream_gets_what_the_hub_skipped_once_each(settings):
    """Events the hub read before a stream subscribed come from the reply's own stream; the
    ones both reads see are handed over once. Streams that subscribe at once start one hub."""
    from tests.support.conftest import redis_url_or_skip

    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": redis_url_or_skip()}
    buffer = get_stream_buffer()
    first, late = 9_200_001, 9_200_002
    crowd = [9_200_100 + i for i in range(10)]
    for message_id in (first, late, *crowd):
        buffer.clear(message_id)

    async def collect(sub: Any, count: int) -> list[str]:
        got: list[str] = []
        while len(got) < count:
            events = await sub.next(30)
            assert events, "nothing came"
            got += [e.decoded() for e in events]
        return got

    async def scenario() -> tuple[list[str], dict[int, list[str]]]:
        async with buffer.subscribe(first, 0) as sub_first:
            for seq in (1, 2):  # read by the hub, and skipped: nobody relays "late" yet
                await asyncio.to_thread(buffer.append, late, seq, "token", f'"{seq}"')
            await asyncio.to_thread(buffer.append, first, 1, "token", '"x"')
            assert await collect(sub_first, 1) == ["x"]  # the hub has read past them
            async with buffer.subscribe(late, 0) as sub_late:
                await asyncio.to_thread(buffer.append, late, 3, "token", '"3"')
                late_got = await collect(sub_late, 3)
                assert await sub_late.next(0.3) == []  # nothing twice
        async with contextlib.AsyncExitStack() as stack:
            subs = await asyncio.gather(
                *(stack.enter_async_context(buffer.subscribe(i, 0)) for i in crowd)
            )
            for i in crowd:
                await asyncio.to_thread(buffer.append, i, 1, "token", f'"{i}"')
            crowd_got = {i: await collect(sub, 1) for i, sub in zip(crowd, subs, strict=True)}
        return late_got, crowd_got

    late_got, crowd_got = asyncio.run(scenario())
    assert late_got == ["1", "2", "3"]
    assert crowd_got == {i: [str(i)] for i in crowd}
    for message_id in (first, late, *crowd):
        buffer.clear(message_id)


def test_events_the_live_stream_lost_are_read_from_the_replys_own(settings):
    """A hub far behind finds the live stream trimmed past it: the gap in the numbers sends
    it to the reply's own stream, and what came meanwhile follows in order."""
    import redis

    from tests.support.conftest import redis_url_or_skip

    url = redis_url_or_skip()
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": url}
    buffer = get_stream_buffer()
    message_id = 9_200_500
    buffer.clear(message_id)
    direct = redis.Redis.from_url(url)

    async def scenario() -> list[str]:
        got: list[str] = []
        async with buffer.subscribe(message_id, 0) as sub:
            await asyncio.to_thread(buffer.append, message_id, 1, "token", '"a"')
            # Event 2 never reaches the live stream (as if trimmed away before the hub read it).
            await asyncio.to_thread(
                direct.xadd, buffer.key(message_id), {"kind": "token", "data": '"b"'}, id="2-1"
            )
            for seq, text in ((3, "c"), (4, "d")):
                await asyncio.to_thread(buffer.append, message_id, seq, "token", f'"{text}"')
            while len(got) < 4:
                events = await sub.next(30)
                assert events, "nothing came"
                got += [e.decoded() for e in events]
        return got

    assert asyncio.run(scenario()) == ["a", "b", "c", "d"]
    buffer.clear(message_id)


def test_live_entries_are_read_in_the_scripts_order_or_by_name():
    from django_llmshop.support.streamhub import _live_fields

    assert _live_fields([b"m", b"12", b"s", b"3", b"k", b"token", b"d", b'"a"']) == (
        12,
        3,
        b"token",
        b'"a"',
    )
    assert _live_fields([b"k", b"done", b"d", b"{}", b"s", b"9", b"m", b"40"]) == (
        40,
        9,
        b"done",
        b"{}",
    )
