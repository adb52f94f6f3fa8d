"""The client and gateway against the fake endpoint over a real loopback socket: faults."""

import time

import pytest

from django_llmshop.gateway import llm_for
from django_llmshop.llm import (
    LLMClient,
    LLMTimeoutError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
)
from django_llmshop.models import LLMCall
from django_llmshop.testing import Reply

MESSAGES = [{"role": "user", "content": "Is the bottle dishwasher safe?"}]


@pytest.fixture
def gateway(llm_server, settings, db):
    settings.LLMSHOP = {
        "ENDPOINTS": {
            "default": {
                "BASE_URL": llm_server.base_url,
                "API_KEY": "sk-secret-key",
                "MODEL": llm_server.model,
                "MAX_RETRIES": 2,
                "TIMEOUT": 2.0,
                "PRICE_PER_MTOK_IN": 1.0,
                "PRICE_PER_MTOK_OUT": 2.0,
            }
        },
    }
    return llm_server


def test_429_with_retry_after_1_is_retried_after_a_second(gateway):
    gateway.add(Reply.error(429, headers={"Retry-After": "1"}), Reply.text("Yes, top rack."))
    started = time.monotonic()
    result = llm_for("support").chat(MESSAGES)
    elapsed = time.monotonic() - started
    assert result.text == "Yes, top rack."
    assert elapsed >= 1.0
    gap = gateway.requests[1].received_at - gateway.requests[0].received_at
    assert gap >= 1.0
    call = LLMCall.objects.get()
    assert (call.status, call.retries) == ("ok", 1)


def test_retry_after_above_the_cap_fails_fast(gateway, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "RETRY_AFTER_CAP": 30}
    gateway.add(Reply.error(429, headers={"Retry-After": "120"}))
    started = time.monotonic()
    with pytest.raises(RateLimitError) as excinfo:
        llm_for("support").chat(MESSAGES)
    assert time.monotonic() - started < 0.5
    assert excinfo.value.retry_after == 120
    assert len(gateway.requests) == 1
    call = LLMCall.objects.get()
    assert (call.status, call.error_class, call.http_status) == ("error", "RateLimitError", 429)


def test_500_500_200_succeeds_with_two_retries_logged(gateway):
    gateway.add(Reply.error(500), Reply.error(500), Reply.text("In stock."))
    result = llm_for("content").chat(MESSAGES)
    assert result.text == "In stock."
    assert len(gateway.requests) == 3
    keys = {request.headers.get("idempotency-key") for request in gateway.requests}
    assert len(keys) == 1 and None not in keys
    call = LLMCall.objects.get()
    assert (call.status, call.retries, call.purpose) == ("ok", 2, "content")
    assert call.prompt_tokens > 0 and call.completion_tokens > 0
    assert call.cost > 0


def test_reset_mid_stream_raises_typed_error_and_logs_an_error_row(gateway):
    gateway.add(Reply.reset_mid_stream(after_chunks=3))
    received = []
    with pytest.raises(StreamInterruptedError):
        for chunk in llm_for("support").stream(MESSAGES):
            received.append(chunk.text)
    assert "".join(received)  # some text arrived before the reset
    call = LLMCall.objects.get()
    assert (call.status, call.operation, call.error_class) == (
        "error",
        "stream",
        "StreamInterruptedError",
    )


def test_stall_times_out_within_read_timeout_plus_one_second(llm_server):
    llm_server.add(Reply.stall(seconds=30))
    client = LLMClient(base_url=llm_server.base_url, model="m", timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(LLMTimeoutError):
        client.chat(MESSAGES)
    elapsed = time.monotonic() - started
    client.close()
    assert 0.9 <= elapsed <= 2.0


def test_stall_mid_stream_times_out(llm_server):
    llm_server.add(Reply.stall_mid_stream(after_chunks=2, seconds=30))
    client = LLMClient(base_url=llm_server.base_url, model="m", timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises((LLMTimeoutError, StreamInterruptedError)):
        list(client.stream(MESSAGES))
    assert time.monotonic() - started <= 2.0
    client.close()


def test_api_key_is_never_logged(gateway):
    gateway.add(Reply.error(500), Reply.error(500), Reply.error(500))
    with pytest.raises(ServerError):
        llm_for("support").chat(MESSAGES)
    call = LLMCall.objects.get()
    row = " ".join(str(getattr(call, field.attname)) for field in LLMCall._meta.concrete_fields)
    assert "sk-secret-key" not in row
    assert gateway.requests[0].headers["authorization"] == "Bearer sk-secret-key"
