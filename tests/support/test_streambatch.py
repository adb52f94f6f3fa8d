"""The event loop's appends to Redis go in batches: fewer round trips, same events, in order."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from django_llmshop.support.streambatch import AppendBatcher


class Pipeline:
    def __init__(self, client: FakeRedis) -> None:
        self.client = client
        self.commands: list[tuple[str, ...]] = []

    def xadd(self, key: str, seq: int) -> None:
        self.commands.append(("xadd", key, str(seq)))

    async def execute(self, raise_on_error: bool = True) -> list[Any]:
        assert raise_on_error is False
        self.client.batches.append(list(self.commands))
        await asyncio.sleep(0.001)  # the round trip: appends made meanwhile wait for the next
        if self.client.down:
            raise ConnectionError("Redis went away")
        return [self.client.answer(c) for c in self.commands]


class FakeRedis:
    def __init__(self) -> None:
        self.batches: list[list[tuple[str, ...]]] = []
        self.refuse: set[str] = set()
        self.down = False

    def pipeline(self, transaction: bool) -> Pipeline:
        assert transaction is False
        return Pipeline(self)

    def answer(self, command: tuple[str, ...]) -> Any:
        if command[2] in self.refuse:
            return Exception(self.refuse_message)
        return b"ok"

    refuse_message = "ID equal or smaller"


def queue_event(pipe: Pipeline, message_id: int, seq: int, kind: str, data: str) -> int:
    pipe.xadd(f"m{message_id}", seq)
    return 1


def batcher(client: FakeRedis) -> AppendBatcher:
    return AppendBatcher(client, queue_event, lambda exc: "equal or smaller" in str(exc))


def test_many_writers_share_round_trips_and_keep_their_order():
    client = FakeRedis()

    async def writer(b: AppendBatcher, message_id: int) -> None:
        for seq in range(1, 21):
            await b.append((message_id, seq, "token", '"x"'))

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
            await asyncio.wait_for(b.append((1, seq, "token", '"x"')), 1)

    asyncio.run(main())
    assert client.batches == [[("xadd", "m1", "1")], [("xadd", "m1", "2")], [("xadd", "m1", "3")]]


def test_refused_and_rewritten_events_and_a_lost_connection():
    client = FakeRedis()

    async def main() -> None:
        b = batcher(client)
        client.refuse = {"2"}
        await b.append((1, 2, "token", '"x"'))  # a redelivered task's rewrite: ignored
        client.refuse_message = "WRONGTYPE"
        with pytest.raises(Exception, match="WRONGTYPE"):
            await b.append((1, 2, "token", '"x"'))
        client.down = True
        with pytest.raises(ConnectionError):
            await b.append((1, 3, "token", '"x"'))
        client.down = False
        await b.append((1, 4, "token", '"x"'))  # the next batch goes through

    asyncio.run(main())
    assert client.batches[-1] == [("xadd", "m1", "4")]
