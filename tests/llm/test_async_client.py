"""AsyncLLMClient against a scripted endpoint; each test drives its own event loop."""

from __future__ import annotations

import asyncio
import gc
import logging
import time

import httpx
import pytest

from django_llmshop.llm import (
    AsyncLLMClient,
    AuthenticationError,
    BadRequestError,
    CallRecord,
    CircuitBreaker,
    CircuitOpenError,
    LLMClient,
    LLMTimeoutError,
    NotFoundError,
    OutputValidationError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
    Usage,
)

from .endpoint import Endpoint, broken_stream, chat, sse, stream, text_chunks

KEY = "sk-async-secret-key"
MESSAGES = [{"role": "user", "content": "Where is my order?"}]


class Harness:
    def __init__(self, *replies, transport=None, **options):
        self.endpoint = Endpoint(*replies)
        self.records: list[CallRecord] = []
        self.sleeps: list[float] = []
        options.setdefault("api_key", KEY)
        options.setdefault("on_record", self.records.append)
        self.client = AsyncLLMClient(
            "http://llm.test/v1",
            model="test-model",
            transport=transport or self.endpoint.transport,
            **options,
        )

        async def sleep(seconds: float) -> None:
            self.sleeps.append(seconds)

        self.client._sleep = sleep

    @property
    def record(self) -> CallRecord:
        assert len(self.records) == 1
        return self.records[0]


def run(coroutine):
    return asyncio.run(coroutine)


def test_chat():
    h = Harness(chat("Shipped today.", usage=(8, 2)))
    result = run(h.client.chat(MESSAGES, metadata={"purpose": "support"}))
    assert (result.text, result.usage) == ("Shipped today.", Usage(8, 2))
    assert h.endpoint.requests[0].headers["authorization"] == f"Bearer {KEY}"
    assert h.endpoint.body()["messages"] == MESSAGES
    assert h.record.status == "ok"
    assert h.record.metadata == {"purpose": "support"}
    assert KEY not in str(h.record)


def test_stream():
    h = Harness(stream(text_chunks("Ship", "ped", usage=(4, 2))))

    async def main():
        s = h.client.stream(MESSAGES)
        texts = [chunk.text async for chunk in s]
        return texts, s.result

    texts, result = run(main())
    assert "".join(texts) == "Shipped"
    assert (result.text, result.usage, result.finish_reason) == ("Shipped", Usage(4, 2), "stop")
    assert h.record.operation == "stream"
    assert h.record.ttft_s is not None


@pytest.mark.parametrize(
    ("code", "error_class"),
    [(400, BadRequestError), (401, AuthenticationError), (404, NotFoundError), (503, ServerError)],
)
def test_status_errors(code, error_class):
    h = Harness(httpx.Response(code, json={"error": {"message": "nope"}}), max_retries=0)
    with pytest.raises(error_class, match="nope"):
        run(h.client.chat(MESSAGES))
    assert h.record.error_class == error_class.__name__


def test_retries_with_backoff_and_one_idempotency_key():
    h = Harness(httpx.Response(500), httpx.Response(502), chat("ok"))
    assert run(h.client.chat(MESSAGES)).text == "ok"
    assert h.record.retries == 2
    assert 0.375 <= h.sleeps[0] <= 0.5
    assert 0.75 <= h.sleeps[1] <= 1.0
    assert len({r.headers["idempotency-key"] for r in h.endpoint.requests}) == 1


def test_retry_after():
    h = Harness(httpx.Response(429, headers={"Retry-After": "1"}), chat("ok"))
    assert run(h.client.chat(MESSAGES)).text == "ok"
    assert h.sleeps == [1.0]


def test_retry_after_beyond_the_cap_fails_fast():
    h = Harness(httpx.Response(429, headers={"Retry-After": "120"}), chat(), retry_after_cap=30)
    h.client._sleep = asyncio.sleep
    started = time.perf_counter()
    with pytest.raises(RateLimitError):
        run(h.client.chat(MESSAGES))
    assert time.perf_counter() - started < 0.5
    assert len(h.endpoint.requests) == 1


def test_timeout_is_retried_then_raised():
    h = Harness(httpx.ReadTimeout("slow"), max_retries=1)
    with pytest.raises(LLMTimeoutError):
        run(h.client.chat(MESSAGES))
    assert len(h.endpoint.requests) == 2


def test_stream_is_not_retried_after_content():
    h = Harness(broken_stream([sse(text_chunks("Hel")[:2], done=False)]), stream(text_chunks("x")))

    async def main():
        received = []
        with pytest.raises(StreamInterruptedError):
            async for chunk in h.client.stream(MESSAGES):
                received.append(chunk.text)
        return received

    assert run(main()) == ["", "Hel"]
    assert len(h.endpoint.requests) == 1
    assert h.record.error_class == "StreamInterruptedError"


def test_stream_retried_before_content():
    h = Harness(httpx.Response(503), broken_stream([]), stream(text_chunks("ok")))

    async def main():
        return "".join([chunk.text async for chunk in h.client.stream(MESSAGES)])

    assert run(main()) == "ok"
    assert h.record.retries == 2


def test_stream_closed_early_is_recorded_once():
    h = Harness(stream(text_chunks("a", "b")))

    async def main():
        async with h.client.stream(MESSAGES) as s:
            async for _chunk in s:
                break

    run(main())
    assert h.record.error_class == "GeneratorExit"


def test_abandoned_stream_is_recorded_when_collected():
    h = Harness(stream(text_chunks("a", "b")))

    async def main():
        s = h.client.stream(MESSAGES)
        await s.__anext__()
        del s
        gc.collect()  # the loop schedules the generator's closing
        for _ in range(5):
            await asyncio.sleep(0)
        return list(h.records)

    assert [r.error_class for r in run(main())] == ["GeneratorExit"]


def test_stream_abandoned_at_loop_end_is_recorded():
    h = Harness(stream(text_chunks("a", "b")))

    async def main():
        s = h.client.stream(MESSAGES)
        await s.__anext__()

    run(main())  # asyncio.run closes (or cancels) leftover generators before returning
    assert h.record.error_class in ("GeneratorExit", "CancelledError")


SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "reason",
        "schema": {
            "type": "object",
            "properties": {"reason": {"type": "string", "maxLength": 20}},
            "required": ["reason"],
        },
    },
}


def test_json_repair():
    h = Harness(chat('{"reason": "' + "x" * 30 + '"}'), chat('{"reason": "short"}'))
    result = run(h.client.chat(MESSAGES, response_format=SCHEMA))
    assert result.parsed == {"reason": "short"}
    assert "at most 20 characters" in h.endpoint.body(1)["messages"][-1]["content"]
    assert h.record.retries == 1


def test_json_still_invalid():
    h = Harness(chat("no"), chat("still no"))
    with pytest.raises(OutputValidationError) as caught:
        run(h.client.chat(MESSAGES, response_format=SCHEMA))
    assert caught.value.raw_text == "still no"
    assert len(h.endpoint.requests) == 2


def test_breaker_shared_with_a_sync_client():
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=60)
    endpoint = Endpoint(httpx.Response(500))
    sync_client = LLMClient(
        "http://llm.test/v1", transport=endpoint.transport, max_retries=0, breaker=breaker
    )
    for _ in range(2):
        with pytest.raises(ServerError):
            sync_client.chat(MESSAGES)
    h = Harness(chat(), breaker=breaker)
    with pytest.raises(CircuitOpenError):
        run(h.client.chat(MESSAGES))
    assert h.endpoint.requests == []
    assert h.record.error_class == "CircuitOpenError"


class SlowEndpoint:
    """Answers after ``delay`` seconds, counting the requests in flight."""

    def __init__(self, delay=0.05):
        self.delay = delay
        self.in_flight = 0
        self.most_in_flight = 0
        self.started = 0

    async def handle(self, request):
        self.started += 1
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay)
        finally:
            self.in_flight -= 1
        if b'"stream":true' in request.content:
            return stream(text_chunks("a", "b"))
        return chat("done")


def test_max_concurrency_bounds_requests_in_flight():
    slow = SlowEndpoint()
    h = Harness(transport=httpx.MockTransport(slow.handle), max_concurrency=3)

    async def main():
        return await asyncio.gather(*(h.client.chat(MESSAGES) for _ in range(10)))

    results = run(main())
    assert [r.text for r in results] == ["done"] * 10
    assert slow.most_in_flight == 3
    assert len(h.records) == 10


def test_without_a_limit_all_requests_run_at_once():
    slow = SlowEndpoint()
    h = Harness(transport=httpx.MockTransport(slow.handle))

    async def main():
        await asyncio.gather(*(h.client.chat(MESSAGES) for _ in range(10)))

    run(main())
    assert slow.most_in_flight == 10


def test_a_stream_holds_its_slot_until_it_finishes():
    slow = SlowEndpoint(delay=0)
    h = Harness(transport=httpx.MockTransport(slow.handle), max_concurrency=1)

    async def main():
        s = h.client.stream(MESSAGES)
        await s.__anext__()
        waiting = asyncio.ensure_future(h.client.chat(MESSAGES))
        await asyncio.sleep(0.05)
        blocked = slow.started == 1 and not waiting.done()
        async for _chunk in s:
            pass
        return blocked, (await waiting).text

    assert run(main()) == (True, "done")


def test_cancelled_call_frees_its_slot_and_is_recorded():
    slow = SlowEndpoint(delay=10)
    h = Harness(transport=httpx.MockTransport(slow.handle), max_concurrency=1)

    async def main():
        task = asyncio.ensure_future(h.client.chat(MESSAGES))
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        slow.delay = 0
        return (await h.client.chat(MESSAGES)).text

    assert run(main()) == "done"
    assert [r.error_class for r in h.records] == ["CancelledError", None]


def test_one_client_serves_several_event_loops():
    h = Harness(chat("again"), max_concurrency=2)
    for _ in range(3):
        assert run(h.client.chat(MESSAGES)).text == "again"

    async def closing():
        async with h.client as client:
            return (await client.chat(MESSAGES)).text

    assert run(closing()) == "again"
    assert run(h.client.chat(MESSAGES)).text == "again"
    assert len(h.records) == 5


def test_async_on_record_is_awaited():
    seen = []

    async def on_record(record):
        await asyncio.sleep(0)
        seen.append(record.status)

    h = Harness(chat(), on_record=on_record)
    run(h.client.chat(MESSAGES))
    assert seen == ["ok"]


def test_a_failing_async_on_record_is_logged(caplog):
    async def on_record(record):
        raise RuntimeError("database is down")

    h = Harness(chat("fine"), on_record=on_record)
    with caplog.at_level(logging.ERROR, logger="django_llmshop.llm"):
        assert run(h.client.chat(MESSAGES)).text == "fine"
    assert "on_record failed" in caplog.text


def test_embed():
    body = {"data": [{"index": 0, "embedding": [0.1, 0.2]}], "usage": {"prompt_tokens": 2}}
    h = Harness(httpx.Response(200, json=body))
    assert run(h.client.embed(["shoes"])) == [[0.1, 0.2]]
    assert h.record.operation == "embed"
    assert h.record.prompt_tokens == 2
    assert run(h.client.embed([])) == []
    assert len(h.records) == 1
