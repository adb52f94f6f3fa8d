"""Endpoint limits shared through Redis hold across threads, event loops and processes."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import threading
import time
import uuid

import pytest

from django_llmshop.llm import AsyncLLMClient, EndpointBusyError, LLMClient, LLMError
from django_llmshop.llm.limiter import SharedLimiter, SharedLimits
from django_llmshop.testing import FakeLLMServer, Reply

MESSAGES = [{"role": "user", "content": "Hello"}]


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("REDIS_URL")
    if not url:
        from tests.conftest import missing_redis

        missing_redis()
    return str(url)


def limiter(url: str, name: str, **limits: float) -> SharedLimiter:
    return SharedLimiter(url, SharedLimits(name=name, **limits))  # type: ignore[arg-type]


def fresh_name() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def call_in_threads(clients: list[LLMClient], calls_each: int, threads_each: int) -> list[object]:
    outcomes: list[object] = []

    def work(client: LLMClient) -> None:
        for _ in range(calls_each):
            try:
                outcomes.append(client.chat(MESSAGES).text)
            except LLMError as exc:
                outcomes.append(exc)

    workers = [
        threading.Thread(target=work, args=(client,))
        for client in clients
        for _ in range(threads_each)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return outcomes


def test_threads_of_two_clients_stay_under_the_shared_limit(redis_url: str) -> None:
    name = fresh_name()
    with FakeLLMServer(latency=0.05) as server:
        clients = [
            LLMClient(
                server.base_url, max_concurrency=8, limiter=limiter(redis_url, name, concurrency=4)
            )
            for _ in range(2)
        ]
        outcomes = call_in_threads(clients, calls_each=3, threads_each=8)
        assert all(isinstance(outcome, str) for outcome in outcomes), outcomes
        assert len(server.requests) == 48
        assert 1 <= server.peak_in_flight <= 4


def test_async_clients_stay_under_the_shared_limit(redis_url: str) -> None:
    name = fresh_name()

    async def run(base_url: str) -> list[str]:
        clients = [
            AsyncLLMClient(
                base_url, max_concurrency=10, limiter=limiter(redis_url, name, concurrency=3)
            )
            for _ in range(2)
        ]
        try:
            replies = await asyncio.gather(
                *(client.chat(MESSAGES) for client in clients for _ in range(12))
            )
        finally:
            for client in clients:
                await client.aclose()
        return [reply.text for reply in replies]

    with FakeLLMServer(latency=0.05) as server:
        assert len(asyncio.run(run(server.base_url))) == 24
        assert 1 <= server.peak_in_flight <= 3


def _process_calls(base_url: str, redis_url: str, name: str, threads: int) -> None:
    client = LLMClient(
        base_url, max_concurrency=threads, limiter=limiter(redis_url, name, concurrency=5)
    )
    outcomes = call_in_threads([client], calls_each=4, threads_each=threads)
    if not all(isinstance(outcome, str) for outcome in outcomes):
        raise SystemExit(f"a call failed: {outcomes}")


def test_processes_stay_under_the_shared_limit(redis_url: str) -> None:
    name = fresh_name()
    spawn = multiprocessing.get_context("spawn")
    with FakeLLMServer(latency=0.1) as server:
        processes = [
            spawn.Process(target=_process_calls, args=(server.base_url, redis_url, name, 4))
            for _ in range(3)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(60)
        assert [process.exitcode for process in processes] == [0, 0, 0]
        assert len(server.requests) == 3 * 4 * 4
        assert 1 <= server.peak_in_flight <= 5


def _hold_a_slot_and_die(
    redis_url: str, name: str, ready: multiprocessing.synchronize.Event
) -> None:
    lease = limiter(redis_url, name, concurrency=1, lease=1.0).acquire(0, timeout=5)
    assert lease is not None
    ready.set()
    time.sleep(60)  # killed long before: its lease is never released


def test_a_killed_process_slot_is_reclaimed_when_its_lease_expires(redis_url: str) -> None:
    name = fresh_name()
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Event()
    process = spawn.Process(target=_hold_a_slot_and_die, args=(redis_url, name, ready))
    process.start()
    try:
        assert ready.wait(30)
        process.kill()
        process.join()
        ours = limiter(redis_url, name, concurrency=1, lease=1.0)
        with pytest.raises(EndpointBusyError):
            ours.acquire(0, timeout=0.05)  # the dead process still holds it
        assert ours.acquire(0, timeout=5) is not None  # until the lease runs out
    finally:
        process.kill()


def test_waiting_for_a_slot_ends_in_a_typed_error(redis_url: str) -> None:
    name = fresh_name()
    holder = limiter(redis_url, name, concurrency=1)
    lease = holder.acquire(0, timeout=1)
    assert lease is not None
    with FakeLLMServer() as server:
        client = LLMClient(
            server.base_url, timeout=0.3, limiter=limiter(redis_url, name, concurrency=1)
        )
        with pytest.raises(EndpointBusyError) as raised:
            client.chat(MESSAGES)
        assert isinstance(raised.value, LLMError)
        assert raised.value.waited > 0
        assert server.requests == []
        holder.release(lease)
        assert client.chat(MESSAGES).text  # the released slot is free again
        assert len(server.requests) == 1


def test_the_requests_per_minute_window_holds(redis_url: str) -> None:
    name = fresh_name()
    with FakeLLMServer() as server:
        client = LLMClient(
            server.base_url, timeout=2, limiter=limiter(redis_url, name, requests_per_minute=3)
        )
        for _ in range(3):
            client.chat(MESSAGES)
        with pytest.raises(EndpointBusyError):
            client.chat(MESSAGES)  # the minute frees up long after the 2 s timeout
        assert len(server.requests) == 3


def test_requests_older_than_the_window_slide_out(redis_url: str) -> None:
    import redis

    name = fresh_name()
    shared = limiter(redis_url, name, requests_per_minute=2)
    now = int(redis.Redis.from_url(redis_url).time()[0])
    window = f"{{llmshop:limit:{name}}}:window"
    redis.Redis.from_url(redis_url).hset(window, mapping={f"r{now - 62}": 2, f"r{now - 59}": 1})
    assert shared.acquire(0, timeout=0.1) is not None  # the old bucket no longer counts
    assert shared.acquire(0, timeout=5) is not None  # waits for the one at now - 59 to expire


def test_tokens_per_minute_count_the_estimate_then_the_reported_usage(redis_url: str) -> None:
    name = fresh_name()
    shared = limiter(redis_url, name, tokens_per_minute=100)
    first = shared.acquire(60, timeout=1)
    assert first is not None
    with pytest.raises(EndpointBusyError):
        shared.acquire(60, timeout=1)
    shared.settle(first, 10)  # it used far fewer than estimated
    assert shared.acquire(60, timeout=1) is not None
    with FakeLLMServer(default=Reply.text("ok", usage=(5000, 5))) as server:
        client = LLMClient(
            server.base_url, limiter=limiter(redis_url, fresh_name(), tokens_per_minute=4000)
        )
        client.chat(MESSAGES)  # admitted on its small estimate, settled at 5005 tokens
        with pytest.raises(EndpointBusyError):
            client.chat(MESSAGES)


def test_a_stream_closed_half_way_gives_its_slot_back(redis_url: str) -> None:
    name = fresh_name()
    long_reply = Reply.text("one two three four five six", token_delay=0.05)
    with FakeLLMServer(default=long_reply) as server:
        client = LLMClient(
            server.base_url, timeout=5, limiter=limiter(redis_url, name, concurrency=1)
        )
        stream = client.stream(MESSAGES)
        next(stream)
        with pytest.raises(EndpointBusyError):
            limiter(redis_url, name, concurrency=1).acquire(0, timeout=0.05)
        stream.close()
        assert limiter(redis_url, name, concurrency=1).acquire(0, timeout=0.05) is not None


def test_an_async_stream_closed_half_way_gives_its_slot_back(redis_url: str) -> None:
    name = fresh_name()

    async def run(base_url: str) -> None:
        async with AsyncLLMClient(
            base_url, timeout=5, limiter=limiter(redis_url, name, concurrency=1)
        ) as client:
            stream = client.stream(MESSAGES)
            await stream.__anext__()
            await stream.aclose()
            await client.chat(MESSAGES)  # would wait out the timeout on a leaked slot

    long_reply = Reply.text("one two three four five six", token_delay=0.05)
    with FakeLLMServer(default=long_reply) as server:
        asyncio.run(run(server.base_url))
        assert limiter(redis_url, name, concurrency=1).acquire(0, timeout=0.05) is not None


def test_a_cancelled_wait_leaves_the_queue(redis_url: str) -> None:
    name = fresh_name()
    holder = limiter(redis_url, name, concurrency=1)
    lease = holder.acquire(0, timeout=1)
    assert lease is not None

    async def wait_then_cancel() -> None:
        waiter = limiter(redis_url, name, concurrency=1).for_asyncio()
        task = asyncio.ensure_future(waiter.acquire(0, timeout=10))
        await asyncio.sleep(0.2)  # queued behind the holder by now
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await waiter.aclose()

    asyncio.run(wait_then_cancel())
    holder.release(lease)  # handed to no one: the cancelled waiter left the queue
    assert limiter(redis_url, name, concurrency=1).acquire(0, timeout=0.05) is not None


def test_a_renewed_lease_lasts_longer(redis_url: str) -> None:
    import redis

    name = fresh_name()
    shared = limiter(redis_url, name, concurrency=1, lease=3.0)
    lease = shared.acquire(0, timeout=1)
    assert lease is not None
    slots = f"{{llmshop:limit:{name}}}:slots"
    before = redis.Redis.from_url(redis_url).zscore(slots, lease.holder)
    shared.renew(lease)  # too soon: nothing sent
    assert redis.Redis.from_url(redis_url).zscore(slots, lease.holder) == before
    lease.renewed -= 2.0
    time.sleep(0.01)
    shared.renew(lease)
    after = redis.Redis.from_url(redis_url).zscore(slots, lease.holder)
    assert before is not None and after is not None and after > before


def test_an_unreachable_redis_leaves_the_local_cap(caplog: pytest.LogCaptureFixture) -> None:
    shared = limiter("redis://127.0.0.1:1/0", "nowhere", concurrency=1)
    with caplog.at_level(logging.WARNING, logger="django_llmshop.llm.limiter"):
        assert shared.acquire(0, timeout=1) is None
    assert "not applied" in caplog.text
