"""The relay's cheap paths: buffered tokens leave as one event, a hub subscription's waiting."""

from __future__ import annotations

import asyncio
import json

import pytest

from django_llmshop.support.stream import Relay
from django_llmshop.support.streambuffer import DONE, TOKEN, StreamEvent
from django_llmshop.support.streamhub import Subscription
from tests.support.conftest import parse_sse


def token(seq: int, text: str) -> StreamEvent:
    return StreamEvent(seq, TOKEN, json.dumps(text))


def relay() -> Relay:
    return Relay(message_id=1, after=0, final=None, reply_deadline=0.0)


def test_buffered_tokens_leave_as_one_event_with_the_last_id_then_the_end():
    r = relay()
    done = StreamEvent(4, DONE, json.dumps({"content": "Hello, world"}))
    late = token(5, "never sent")
    chunks = r.take([token(1, "Hello"), token(2, ", "), token(3, "world"), done, late])
    assert len(chunks) == 1  # one write for the whole batch
    events = parse_sse(chunks[0])
    assert [(e.id, e.event) for e in events] == [("3", TOKEN), ("4", DONE)]
    assert json.loads(events[0].data) == "Hello, world"
    assert r.after == 4 and r.ended


def test_a_lone_token_is_relayed_as_it_was_written():
    r = relay()
    (chunk,) = r.take([token(7, 'say "hi"\n')])
    (event,) = parse_sse(chunk)
    assert (event.id, event.event, json.loads(event.data)) == ("7", TOKEN, 'say "hi"\n')
    assert r.after == 7 and not r.ended
    assert r.take([]) == []


def test_a_subscription_waits_for_events_and_hands_them_over_in_order():
    async def scenario() -> tuple[list[int], list[int], list[int]]:
        sub = Subscription(1, 0)
        assert await sub.next(0) == []
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, sub.put, [token(1, "a"), token(2, "b")])
        got = await sub.next(30)
        sub.put([token(3, "c")])
        sub.put([token(2, "b"), token(3, "c"), token(4, "d")])  # read twice: 2 and 3 dropped
        more = await sub.next(30)
        empty = await sub.next(0.01)  # times out
        return [e.seq for e in got], [e.seq for e in more], empty

    assert asyncio.run(scenario()) == ([1, 2], [3, 4], [])


def test_a_failed_hub_read_reaches_the_subscription_after_its_events():
    async def scenario() -> list[int]:
        sub = Subscription(1, 0)
        sub.put([token(1, "a")])
        sub.fail(ConnectionError("redis went away"))
        first = await sub.next(30)
        with pytest.raises(ConnectionError):
            await sub.next(30)
        return [e.seq for e in first]

    assert asyncio.run(scenario()) == [1]


def test_a_gap_in_the_numbers_is_noticed_and_repeats_are_not_gaps():
    from django_llmshop.support.streamhub import _follows

    assert _follows(0, [token(1, "a"), token(2, "b")])
    assert _follows(3, [token(2, "b"), token(3, "c"), token(4, "d")])
    assert not _follows(0, [token(2, "b")])
    assert not _follows(1, [token(2, "b"), token(4, "d")])


def test_a_busy_hub_waits_a_round_before_its_next_read_and_a_quiet_one_does_not(monkeypatch):
    from django_llmshop.support import streamhub

    def entries(count: int, first: int) -> list[tuple[bytes, list[bytes]]]:
        fields = [b"m", b"7", b"s", b"", b"k", b"token", b"d", b'"w"']
        return [
            (f"{seq}-0".encode(), [*fields[:3], str(seq).encode(), *fields[4:]])
            for seq in range(first, first + count)
        ]

    busy = streamhub.HUB_BUSY_READ
    replies = [entries(2, 1), entries(busy, 3), entries(1, 3 + busy)]
    hub = streamhub.RedisStreamHub("redis://127.0.0.1:9/0", None, StreamEvent)

    class Reader:
        async def xread(self, *args, **kwargs):
            if replies:
                return [[streamhub.LIVE_KEY.encode(), replies.pop(0)]]
            hub._subscriptions.clear()  # the last stream has gone: the hub stops
            return []

        async def aclose(self):
            pass

    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    hub._reader = Reader()
    subscription = Subscription(7, 0)
    hub._subscriptions[7] = {subscription}
    monkeypatch.setattr(streamhub.asyncio, "sleep", sleep)
    asyncio.run(hub._run())
    assert len(slept) == 1  # after the busy read only
    assert 0 < slept[0] <= streamhub.HUB_MIN_ROUND_SECONDS
    assert [event.seq for event in subscription._pending] == list(range(1, 4 + busy))
