"""The event loop's appends to Redis go in batches: fewer round trips, same events, in order;
a reply's tokens merge while its last event is on its way."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from django_llmshop.support.streambatch import AppendBatcher
from django_llmshop.support.streamwriter import StreamWriter


class FakeRedis:
    """Answers a batch after a round trip; each event's command is noted per batch."""

    def __init__(self) -> None:
        self.batches: list[list[tuple[str, ...]]] = []
        self.refuse: set[str] = set()
        self.down = False

    async def send(self, events: list[tuple[int, int, str, str]]) -> list[Any]:
        self.batches.append(
            [("xadd", f"m{m}", str(seq), json.loads(data)) for m, seq, _kind, data in events]
        )
        await asyncio.sleep(0.001)  # the round trip: appends made meanwhile wait for the next
        if self.down:
            raise ConnectionError("Redis went away")
        return [
            Exception("WRONGTYPE") if str(seq) in self.refuse else None
            for _m, seq, _kind, _data in events
        ]


def batcher(client: FakeRedis) -> AppendBatcher:
    return AppendBatcher(client.send)


class OneEvent:
    """A source of one event whose writer waits for it to be written."""

    def __init__(self, event: tuple[int, int, str, str]) -> None:
        self.event: tuple[int, int, str, str] | None = event
        self.future: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def take(self) -> tuple[int, int, str, str] | None:
        event, self.event = self.event, None
        return event

    def sent(self, error: BaseException | None) -> bool:
        if error is None:
            self.future.set_result(None)
        else:
            self.future.set_exception(error)
        return False


async def append(b: AppendBatcher, event: tuple[int, int, str, str]) -> None:
    """Write ``event`` with the next batch; raises what was answered for it."""
    source = OneEvent(event)
    b.enqueue(source)
    await source.future


def test_many_writers_share_round_trips_and_keep_their_order():
    client = FakeRedis()

    async def writer(b: AppendBatcher, message_id: int) -> None:
        for seq in range(1, 21):
            await append(b, (message_id, seq, "token", '"x"'))

    async def main() -> None:
        b = batcher(client)
        await asyncio.gather(*(writer(b, m) for m in range(50)))

    asyncio.run(main())
    sent = [c for batch in client.batches for c in batch]
    assert len(sent) == 50 * 20
    for message_id in range(50):
        seqs = [int(c[2]) for c in sent if c[1] == f"m{message_id}"]
        assert seqs == list(range(1, 21))
    assert len(client.batches) <= 25  # 1,000 events; one at a time would be 1,000 round trips


def test_a_lone_writer_is_not_held_back():
    client = FakeRedis()

    async def main() -> None:
        b = batcher(client)
        for seq in (1, 2, 3):
            await asyncio.wait_for(append(b, (1, seq, "token", '"x"')), 1)

    asyncio.run(main())
    assert [[c[2] for c in batch] for batch in client.batches] == [["1"], ["2"], ["3"]]


def test_refused_events_and_a_lost_connection():
    client = FakeRedis()

    async def main() -> None:
        b = batcher(client)
        client.refuse = {"2"}
        with pytest.raises(Exception, match="WRONGTYPE"):
            await append(b, (1, 2, "token", '"x"'))
        client.down = True
        with pytest.raises(ConnectionError):
            await append(b, (1, 3, "token", '"x"'))
        client.down = False
        await append(b, (1, 4, "token", '"x"'))  # the next batch goes through

    asyncio.run(main())
    assert client.batches[-1] == [("xadd", "m1", "4", "x")]


# --- a reply's writer in the event loop: its tokens merge while its last event is on its way


class Buffer:
    """What the writer needs of a buffer that writes through the loop's batches."""

    flush_interval = 0.0
    writes_async = True

    def __init__(self, batcher: AppendBatcher) -> None:
        self.batcher = batcher

    def enqueue(self, source: Any) -> None:
        self.batcher.enqueue(source)


def written(client: FakeRedis) -> list[tuple[str, str]]:
    return [(c[2], c[3]) for batch in client.batches for c in batch]


def writer_batcher(client: FakeRedis) -> AppendBatcher:
    return AppendBatcher(client.send)


def test_tokens_that_come_while_an_event_is_on_its_way_go_as_one_event():
    client = FakeRedis()

    async def main() -> None:
        writer = StreamWriter(Buffer(writer_batcher(client)), 7)  # type: ignore[arg-type]
        await writer.atoken("Hello")
        await asyncio.sleep(0)  # the first batch takes "Hello" and is on its way
        for word in (" there,", " how", " can", " I", " help?"):
            await writer.atoken(word)
        await writer.aflush()  # returns once all is written
        assert written(client) == [("1", "Hello"), ("2", " there, how can I help?")]
        await writer.atoken(" Bye.")
        await writer.aflush()
        assert written(client)[-1] == ("3", " Bye.")

    asyncio.run(main())


def test_a_writer_with_time_between_its_tokens_writes_each_at_once():
    client = FakeRedis()

    async def main() -> None:
        writer = StreamWriter(Buffer(writer_batcher(client)), 7)  # type: ignore[arg-type]
        for word in ("one", "two", "three"):
            await writer.atoken(word)
            await asyncio.sleep(0.01)  # longer than a round trip
            assert written(client)[-1][1] == word  # sent without waiting for more
        await writer.aflush()

    asyncio.run(main())
    assert written(client) == [("1", "one"), ("2", "two"), ("3", "three")]


def test_a_failed_write_is_raised_by_the_next_token_and_by_the_flush():
    client = FakeRedis()

    async def main() -> None:
        writer = StreamWriter(Buffer(writer_batcher(client)), 7)  # type: ignore[arg-type]
        client.down = True
        await writer.atoken("lost")  # not waited for
        with pytest.raises(ConnectionError):
            await writer.aflush()
        with pytest.raises(ConnectionError):
            await writer.atoken("more")

    asyncio.run(main())


def test_many_writers_keep_their_order_and_lose_nothing():
    client = FakeRedis()

    async def reply(b: AppendBatcher, message_id: int) -> None:
        writer = StreamWriter(Buffer(b), message_id)  # type: ignore[arg-type]
        for i in range(30):
            await writer.atoken(f"{i},")
            if i % 3 == 0:
                await asyncio.sleep(0)
        await writer.aflush()

    async def main() -> None:
        b = writer_batcher(client)
        await asyncio.gather(*(reply(b, m) for m in range(40)))

    asyncio.run(main())
    for message_id in range(40):
        events = [c for batch in client.batches for c in batch if c[1] == f"m{message_id}"]
        assert [int(c[2]) for c in events] == list(range(1, len(events) + 1))
        assert "".join(c[3] for c in events) == "".join(f"{i}," for i in range(30))
    total = sum(len(batch) for batch in client.batches)
    assert total < 40 * 30  # tokens merged while their writers' events were on their way
