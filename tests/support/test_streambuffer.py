"""Both stream buffers: ordered events, resuming after a cursor, waiting, async reads."""

from __future__ import annotations

import asyncio
import threading
import time

from django_llmshop.support.models import Conversation
from django_llmshop.support.streambuffer import (
    DONE,
    TOKEN,
    DatabaseStreamBuffer,
    RedisStreamBuffer,
    StreamWriter,
    get_stream_buffer,
)
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
