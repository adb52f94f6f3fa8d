"""The append script: a batch of events in one call, each in its reply's stream and the live
stream, the expiry set by the first and the closing event, refusals answered per event."""

from __future__ import annotations

import asyncio

import pytest
import redis

from django_llmshop.support.streamappend import APPEND_SCRIPT
from django_llmshop.support.streambuffer import DONE, POOL_OPTIONS, TOKEN, get_stream_buffer
from django_llmshop.support.streamhub import LIVE_KEY
from django_llmshop.support.streamsend import ScriptConnection, script_caller
from tests.support.conftest import redis_url_or_skip

IDS = [9_300_000 + i for i in range(3)]


async def send(buffer, events):
    """A batch through the event loop's path: the loop's call of the script."""
    call = script_caller(buffer.url, APPEND_SCRIPT, POOL_OPTIONS, buffer._async_client())
    try:
        return await buffer._send(call, events)
    finally:
        if isinstance(call, ScriptConnection):
            call.close()


@pytest.fixture
def buffer(settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": redis_url_or_skip()}
    found = get_stream_buffer()
    for message_id in IDS:
        found.clear(message_id)
    yield found
    for message_id in IDS:
        found.clear(message_id)


def test_a_batch_goes_in_one_call_to_both_streams(buffer):
    client = redis.Redis.from_url(buffer.url)
    live_before = client.xrevrange(LIVE_KEY, count=1)
    first, second, third = IDS
    events = [
        (first, 1, TOKEN, '"Hel"'),
        (second, 1, TOKEN, '"Hi"'),
        (first, 2, TOKEN, '"lo"'),
        (first, 3, DONE, '{"id": 1}'),
    ]
    answers = asyncio.run(send(buffer, events))
    assert answers == [None, None, None, None]
    assert [e.decoded() for e in buffer.read(first, 0)] == ["Hel", "lo", {"id": 1}]
    assert [e.kind for e in buffer.read(first, 0)] == [TOKEN, TOKEN, DONE]
    assert [e.seq for e in buffer.read(second, 0)] == [1]
    assert client.ttl(buffer.key(first)) > 3000 and client.ttl(buffer.key(second)) > 3000
    after = live_before[0][0] if live_before else "0-0"
    live = [
        f for _id, f in client.xrange(LIVE_KEY, min=f"({after.decode()}" if live_before else "-")
    ]
    ours = [(int(f[b"m"]), int(f[b"s"]), f[b"k"].decode()) for f in live if int(f[b"m"]) in IDS]
    assert ours == [(first, 1, TOKEN), (second, 1, TOKEN), (first, 2, TOKEN), (first, 3, DONE)]
    # Only the first and the closing event set the expiry: a middle token leaves it alone.
    client.persist(buffer.key(third))
    asyncio.run(send(buffer, [(third, 1, TOKEN, '"a"')]))
    client.persist(buffer.key(third))
    asyncio.run(send(buffer, [(third, 2, TOKEN, '"b"')]))
    assert client.ttl(buffer.key(third)) == -1


def test_refusals_are_answered_per_event(buffer):
    client = redis.Redis.from_url(buffer.url)
    first, second, _third = IDS
    buffer.append(first, 1, TOKEN, '"kept"')
    client.set(buffer.key(second), "not a stream")
    answers = asyncio.run(
        send(buffer, [(first, 1, TOKEN, '"rewritten"'), (second, 1, TOKEN, '"x"')])
    )
    assert answers[0] is None  # a redelivered task's rewrite keeps the first: no error
    assert isinstance(answers[1], redis.ResponseError) and "WRONGTYPE" in str(answers[1])
    assert [e.decoded() for e in buffer.read(first, 0)] == ["kept"]
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        buffer.append(second, 2, TOKEN, '"y"')


def test_the_script_is_loaded_again_after_a_script_flush(buffer):
    client = redis.Redis.from_url(buffer.url)
    first = IDS[0]
    buffer.append(first, 1, TOKEN, '"a"')
    client.script_flush()
    buffer.append(first, 2, TOKEN, '"b"')
    asyncio.run(send(buffer, [(first, 3, TOKEN, '"c"')]))
    client.script_flush()
    asyncio.run(send(buffer, [(first, 4, TOKEN, '"d"')]))
    assert [e.decoded() for e in buffer.read(first, 0)] == ["a", "b", "c", "d"]
    assert client.script_exists(redis.Redis.from_url(buffer.url).register_script(APPEND_SCRIPT).sha)


def test_large_ids_and_any_text_arrive_as_sent(buffer):
    """The batch goes to the script as one JSON argument: ids past a double's exact digits and
    text beyond ASCII come back unchanged."""
    big = 10**15 + 7
    buffer.clear(big)
    try:
        data = '"café ☕ \\u00e9 \\"quoted\\""'
        assert asyncio.run(send(buffer, [(big, 1, TOKEN, data), (big, 2, DONE, "{}")])) == [
            None,
            None,
        ]
        events = buffer.read(big, 0)
        assert [(e.seq, e.kind, e.data) for e in events] == [(1, TOKEN, data), (2, DONE, "{}")]
        assert events[0].decoded() == 'café ☕ é "quoted"'
        assert redis.Redis.from_url(buffer.url).exists(f"llmshop:chat:stream:{big}")
    finally:
        buffer.clear(big)
