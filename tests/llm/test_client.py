"""LLMClient against a scripted endpoint (httpx.MockTransport)."""

from __future__ import annotations

import gc
import json
import logging
import time
import uuid

import httpx
import pytest

from django_llmshop.llm import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    CallRecord,
    CircuitBreaker,
    CircuitOpenError,
    LLMClient,
    LLMConnectionError,
    LLMError,
    LLMResponseError,
    LLMTimeoutError,
    NotFoundError,
    OutputValidationError,
    RateLimitError,
    ServerError,
    StreamInterruptedError,
    ToolCall,
    Usage,
)

from .endpoint import Endpoint, broken_stream, chat, sse, stream, text_chunks

KEY = "sk-test-0123456789abcdef"
MESSAGES = [
    {"role": "system", "content": "You sell shoes."},
    {"role": "user", "content": "Do you have red shoes?"},
]


class Harness:
    """A client on a scripted endpoint, with its records and its (fake) sleeps."""

    def __init__(self, *replies, **options):
        self.endpoint = Endpoint(*replies)
        self.records: list[CallRecord] = []
        self.sleeps: list[float] = []
        options.setdefault("api_key", KEY)
        self.client = LLMClient(
            "http://llm.test/v1",
            model="test-model",
            transport=self.endpoint.transport,
            on_record=self.records.append,
            **options,
        )
        self.client._sleep = self.sleeps.append

    @property
    def record(self) -> CallRecord:
        assert len(self.records) == 1
        return self.records[0]


def test_chat_returns_text_usage_and_model():
    h = Harness(chat("We do.", usage=(12, 3)))
    result = h.client.chat(MESSAGES)
    assert result.text == "We do."
    assert result.usage == Usage(12, 3)
    assert result.usage.total_tokens == 15
    assert result.finish_reason == "stop"
    assert result.model == "test-model"
    assert result.tool_calls == []
    assert result.parsed is None


def test_chat_request_shape():
    h = Harness(chat())
    h.client.chat(
        MESSAGES,
        tools=[{"type": "function", "function": {"name": "search_catalog"}}],
        tool_choice="auto",
        max_tokens=50,
        temperature=0.2,
        extra={"top_p": 0.9, "temperature": 0.3},
    )
    request = h.endpoint.requests[0]
    assert request.method == "POST"
    assert str(request.url) == "http://llm.test/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {KEY}"
    assert request.headers["content-type"] == "application/json"
    body = h.endpoint.body()
    assert body["model"] == "test-model"
    assert body["messages"] == MESSAGES
    assert body["tools"][0]["function"]["name"] == "search_catalog"
    assert body["tool_choice"] == "auto"
    assert body["max_tokens"] == 50
    assert body["temperature"] == 0.3  # extra wins
    assert body["top_p"] == 0.9
    assert "stream" not in body


def test_no_authorization_header_without_a_key():
    h = Harness(chat(), api_key=None)
    h.client.chat(MESSAGES)
    assert "authorization" not in h.endpoint.requests[0].headers


def test_timeouts_are_split():
    h = Harness(chat(), timeout=42, connect_timeout=3)
    h.client.chat(MESSAGES)
    assert h.endpoint.requests[0].extensions["timeout"] == {
        "connect": 3,
        "read": 42,
        "write": 42,
        "pool": 42,
    }


def test_extra_headers_are_sent():
    h = Harness(chat(), headers={"X-Title": "shop"})
    h.client.chat(MESSAGES)
    assert h.endpoint.requests[0].headers["x-title"] == "shop"


def test_tool_calls():
    calls = [
        {
            "id": "call_1",
            "type": "function",
            "function": {"name": "get_product", "arguments": '{"id": 7}'},
        },
        {"id": "call_2", "type": "function", "function": {"name": "x", "arguments": {"a": 1}}},
    ]
    h = Harness(chat(None, tool_calls=calls, finish_reason="tool_calls"))
    result = h.client.chat(MESSAGES)
    assert result.text == ""
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls == [
        ToolCall("call_1", "get_product", '{"id": 7}'),
        ToolCall("call_2", "x", '{"a": 1}'),
    ]
    assert result.tool_calls[0].parsed_arguments() == {"id": 7}
    assert h.record.response_excerpt == 'get_product({"id": 7})\nx({"a": 1})'


@pytest.mark.parametrize("arguments", ['{"id": ', "[1]"])
def test_bad_tool_arguments_raise_response_error(arguments):
    with pytest.raises(LLMResponseError):
        ToolCall("c", "get_product", arguments).parsed_arguments()


def test_empty_tool_arguments_mean_none():
    assert ToolCall("c", "list_my_orders", "").parsed_arguments() == {}


@pytest.mark.parametrize(
    ("code", "error_class"),
    [
        (400, BadRequestError),
        (422, BadRequestError),
        (401, AuthenticationError),
        (403, AuthenticationError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (503, ServerError),
        (418, APIStatusError),
    ],
)
def test_status_errors(code, error_class):
    body = {"error": {"message": "the model said no", "type": "x"}}
    h = Harness(httpx.Response(code, json=body), max_retries=0)
    with pytest.raises(error_class) as caught:
        h.client.chat(MESSAGES)
    error = caught.value
    assert type(error) is error_class
    assert error.status_code == code
    assert error.body == body
    assert "the model said no" in str(error)
    assert h.record.status == "error"
    assert h.record.error_class == error_class.__name__
    assert h.record.http_status == code


def test_status_error_with_a_text_body():
    h = Harness(httpx.Response(502, text="Bad gateway from proxy"), max_retries=0)
    with pytest.raises(ServerError, match="Bad gateway from proxy") as caught:
        h.client.chat(MESSAGES)
    assert caught.value.body == "Bad gateway from proxy"


@pytest.mark.parametrize(
    "reply",
    [
        httpx.Response(200, text="<html>not json</html>"),
        httpx.Response(200, json={"choices": []}),
        httpx.Response(200, json={"choices": [{"message": "text"}]}),
        httpx.Response(200, json=[1, 2]),
    ],
)
def test_malformed_success_bodies(reply):
    h = Harness(reply)
    with pytest.raises(LLMResponseError):
        h.client.chat(MESSAGES)
    assert len(h.endpoint.requests) == 1
    assert h.record.error_class == "LLMResponseError"


def test_retries_on_500_then_succeeds():
    h = Harness(httpx.Response(500), httpx.Response(500), chat("third time"))
    assert h.client.chat(MESSAGES).text == "third time"
    assert len(h.endpoint.requests) == 3
    assert h.record.retries == 2
    assert h.record.status == "ok"
    assert h.record.http_status == 200
    assert len(h.sleeps) == 2
    assert 0.375 <= h.sleeps[0] <= 0.5
    assert 0.75 <= h.sleeps[1] <= 1.0


def test_gives_up_after_max_retries():
    h = Harness(httpx.Response(503), max_retries=2)
    with pytest.raises(ServerError):
        h.client.chat(MESSAGES)
    assert len(h.endpoint.requests) == 3
    assert h.record.retries == 2


@pytest.mark.parametrize("code", [408, 409, 429, 502])
def test_retried_statuses(code):
    h = Harness(httpx.Response(code), chat("ok"))
    assert h.client.chat(MESSAGES).text == "ok"
    assert len(h.endpoint.requests) == 2


@pytest.mark.parametrize("code", [400, 401, 404, 422])
def test_client_errors_are_not_retried(code):
    h = Harness(httpx.Response(code), chat("never"))
    with pytest.raises(APIStatusError):
        h.client.chat(MESSAGES)
    assert len(h.endpoint.requests) == 1
    assert h.sleeps == []


def test_retry_after_is_honoured():
    h = Harness(httpx.Response(429, headers={"Retry-After": "1"}), chat("ok"))
    assert h.client.chat(MESSAGES).text == "ok"
    assert h.sleeps == [1.0]


def test_retry_after_ms_is_honoured():
    h = Harness(httpx.Response(503, headers={"retry-after-ms": "1500"}), chat("ok"))
    h.client.chat(MESSAGES)
    assert h.sleeps == [1.5]


def test_retry_after_beyond_the_cap_fails_fast():
    h = Harness(
        httpx.Response(429, headers={"Retry-After": "120"}, json={"error": {"message": "slow"}}),
        chat("never"),
        retry_after_cap=30,
    )
    h.client._sleep = time.sleep  # a real sleep, to show that none happens
    started = time.perf_counter()
    with pytest.raises(RateLimitError) as caught:
        h.client.chat(MESSAGES)
    assert time.perf_counter() - started < 0.5
    assert caught.value.retry_after == 120
    assert len(h.endpoint.requests) == 1


def test_same_idempotency_key_on_every_attempt():
    h = Harness(httpx.Response(500), httpx.ConnectError("refused"), chat(), chat())
    h.client.chat(MESSAGES)
    keys = [request.headers["idempotency-key"] for request in h.endpoint.requests]
    assert len(keys) == 3
    assert len(set(keys)) == 1
    uuid.UUID(keys[0])
    h.client.chat(MESSAGES)
    assert h.endpoint.requests[-1].headers["idempotency-key"] != keys[0]


def test_connection_errors_are_retried_then_raised():
    h = Harness(httpx.ConnectError("refused"), max_retries=1)
    with pytest.raises(LLMConnectionError, match="refused") as caught:
        h.client.chat(MESSAGES)
    assert not isinstance(caught.value, LLMTimeoutError)
    assert len(h.endpoint.requests) == 2
    assert h.record.error_class == "LLMConnectionError"
    assert h.record.http_status is None


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout("slow"), httpx.ConnectTimeout("slow"), httpx.PoolTimeout("full")]
)
def test_timeouts(error):
    h = Harness(error, max_retries=1)
    with pytest.raises(LLMTimeoutError):
        h.client.chat(MESSAGES)
    assert len(h.endpoint.requests) == 2


def test_remote_protocol_error_is_a_connection_error():
    h = Harness(httpx.RemoteProtocolError("peer closed"), chat("ok"))
    assert h.client.chat(MESSAGES).text == "ok"


# -- streaming -------------------------------------------------------------------------------


def test_stream_assembles_text_and_usage():
    h = Harness(stream(text_chunks("Red ", "shoes: ", "yes €", usage=(9, 3))))
    chunks = h.client.stream(MESSAGES)
    texts = [chunk.text for chunk in chunks]
    assert "".join(texts) == "Red shoes: yes €"
    assert texts[0] == ""  # the role-only chunk
    result = chunks.result
    assert result.text == "Red shoes: yes €"
    assert result.usage == Usage(9, 3)
    assert result.finish_reason == "stop"
    body = h.endpoint.body()
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    record = h.record
    assert record.operation == "stream"
    assert (record.prompt_tokens, record.completion_tokens) == (9, 3)
    assert record.ttft_s is not None
    assert record.ttft_s <= record.latency_s
    assert record.response_excerpt == "Red shoes: yes €"


def test_stream_tool_calls():
    chunks = [
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "id": "c1",
            "function": {"name": "get_my_order", "arguments": ""}}]}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0,
            "function": {"arguments": '{"order'}}]}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0,
            "function": {"arguments": '_id": 5}'}}]}}]},
        {"choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    ]  # fmt: skip
    h = Harness(stream(chunks))
    with h.client.stream(MESSAGES) as s:
        deltas = [d for chunk in s for d in chunk.tool_call_deltas]
    assert [d.arguments for d in deltas] == ["", '{"order', '_id": 5}']
    assert s.result.tool_calls == [ToolCall("c1", "get_my_order", '{"order_id": 5}')]


def test_result_before_the_end_is_an_error():
    h = Harness(stream(text_chunks("a", "b")))
    s = h.client.stream(MESSAGES)
    next(s)
    with pytest.raises(LLMError, match="not finished"):
        _ = s.result
    s.close()


def test_stream_is_lazy():
    h = Harness(stream(text_chunks("a")))
    s = h.client.stream(MESSAGES)
    assert h.endpoint.requests == []
    del s
    gc.collect()
    assert h.records == []


def test_stream_retries_status_errors_before_content():
    h = Harness(httpx.Response(500), stream(text_chunks("ok")))
    s = h.client.stream(MESSAGES)
    assert "".join(chunk.text for chunk in s) == "ok"
    assert h.record.retries == 1
    assert h.record.status == "ok"


def test_stream_retries_a_drop_before_any_content():
    h = Harness(broken_stream([b": ping\n\n"]), stream(text_chunks("ok")))
    assert "".join(chunk.text for chunk in h.client.stream(MESSAGES)) == "ok"
    assert len(h.endpoint.requests) == 2
    assert h.record.retries == 1


def test_stream_is_not_retried_after_content():
    first = sse(text_chunks("Hel")[:2], done=False)
    h = Harness(broken_stream([first]), stream(text_chunks("never")))
    received = []
    with pytest.raises(StreamInterruptedError):
        for chunk in h.client.stream(MESSAGES):
            received.append(chunk.text)
    assert received == ["", "Hel"]
    assert len(h.endpoint.requests) == 1
    assert h.record.error_class == "StreamInterruptedError"
    assert h.record.response_excerpt == "Hel"


def test_stream_stall_after_content_is_a_timeout():
    first = sse(text_chunks("Hel")[:2], done=False)
    h = Harness(broken_stream([first], httpx.ReadTimeout("stalled")))
    with pytest.raises(LLMTimeoutError, match="stalled"):
        list(h.client.stream(MESSAGES))
    assert len(h.endpoint.requests) == 1


def test_stream_ending_unfinished_is_interrupted():
    chunks = text_chunks("a", "b")[:3]  # no finish_reason, no [DONE]
    h = Harness(stream(chunks, done=False), max_retries=0)
    with pytest.raises(StreamInterruptedError):
        list(h.client.stream(MESSAGES))


def test_failure_after_done_is_harmless():
    h = Harness(broken_stream([sse(text_chunks("ok"))]))
    s = h.client.stream(MESSAGES)
    assert "".join(chunk.text for chunk in s) == "ok"
    assert h.record.status == "ok"


def test_stream_closed_early_is_recorded_once():
    h = Harness(stream(text_chunks("a", "b", "c")))
    s = h.client.stream(MESSAGES, metadata={"purpose": "support"})
    for chunk in s:
        if chunk.text == "a":
            break
    s.close()
    s.close()
    assert h.record.status == "error"
    assert h.record.error_class == "GeneratorExit"
    assert h.record.response_excerpt.startswith("a")  # what arrived, read ahead or not
    assert h.record.metadata == {"purpose": "support"}


def test_abandoned_stream_is_recorded_when_collected():
    h = Harness(stream(text_chunks("a", "b")))
    s = h.client.stream(MESSAGES)
    next(s)
    del s
    gc.collect()
    assert h.record.error_class == "GeneratorExit"


# -- JSON output -----------------------------------------------------------------------------

SCHEMA_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "description",
        "schema": {
            "type": "object",
            "properties": {"title": {"type": "string"}, "bullets": {"type": "array"}},
            "required": ["title", "bullets"],
            "additionalProperties": False,
        },
    },
}


def test_json_output_is_parsed():
    h = Harness(chat('Here it is: ```json\n{"title": "Red shoes", "bullets": []}\n```'))
    result = h.client.chat(MESSAGES, response_format=SCHEMA_FORMAT)
    assert result.parsed == {"title": "Red shoes", "bullets": []}
    assert h.endpoint.body()["response_format"] == SCHEMA_FORMAT
    assert len(h.endpoint.requests) == 1


def test_json_output_is_repaired_once():
    h = Harness(
        chat('{"title": "Red shoes"}', usage=(10, 5)),
        chat('{"title": "Red shoes", "bullets": ["Leather"]}', usage=(20, 6)),
    )
    result = h.client.chat(MESSAGES, response_format=SCHEMA_FORMAT)
    assert result.parsed == {"title": "Red shoes", "bullets": ["Leather"]}
    repair = h.endpoint.body(1)["messages"]
    assert repair[:2] == MESSAGES
    assert repair[2] == {"role": "assistant", "content": '{"title": "Red shoes"}'}
    assert repair[3]["role"] == "user"
    assert "missing required property 'bullets'" in repair[3]["content"]
    keys = {request.headers["idempotency-key"] for request in h.endpoint.requests}
    assert len(keys) == 2  # a different body is a different request
    assert h.record.status == "ok"
    assert h.record.retries == 1
    assert (h.record.prompt_tokens, h.record.completion_tokens) == (30, 11)


def test_json_output_still_invalid_after_repair():
    h = Harness(chat("Sorry, I cannot."), chat('{"title": 3, "bullets": []}'))
    with pytest.raises(OutputValidationError) as caught:
        h.client.chat(MESSAGES, response_format=SCHEMA_FORMAT)
    assert caught.value.raw_text == '{"title": 3, "bullets": []}'
    assert caught.value.errors == ["$.title: expected string, got integer"]
    assert isinstance(caught.value, LLMResponseError)
    assert "not valid JSON" in h.endpoint.body(1)["messages"][-1]["content"]
    assert len(h.endpoint.requests) == 2
    assert h.record.error_class == "OutputValidationError"


def test_json_object_mode_wants_an_object():
    h = Harness(chat("[1, 2]"), chat('{"a": 1}'))
    result = h.client.chat(MESSAGES, response_format={"type": "json_object"})
    assert result.parsed == {"a": 1}


def test_plain_text_format_is_not_parsed():
    h = Harness(chat('{"a": 1}'))
    assert h.client.chat(MESSAGES, response_format={"type": "text"}).parsed is None


def test_streamed_json_output_is_validated_without_repair():
    h = Harness(stream(text_chunks('{"title": ', '"x", "bullets": []}')))
    s = h.client.stream(MESSAGES, response_format=SCHEMA_FORMAT)
    list(s)
    assert s.result.parsed == {"title": "x", "bullets": []}
    h = Harness(stream(text_chunks('{"title": 1}')))
    with pytest.raises(OutputValidationError):
        list(h.client.stream(MESSAGES, response_format=SCHEMA_FORMAT))
    assert len(h.endpoint.requests) == 1


# -- circuit breaker -------------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_breaker_opens_and_half_opens():
    clock = Clock()
    breaker = CircuitBreaker(failure_threshold=2, reset_timeout=30, clock=clock)
    h = Harness(httpx.Response(500), max_retries=1, breaker=breaker)
    for _ in range(2):
        with pytest.raises(ServerError):
            h.client.chat(MESSAGES)
    assert len(h.endpoint.requests) == 4  # retries happen inside one counted call
    with pytest.raises(CircuitOpenError):
        h.client.chat(MESSAGES)
    with pytest.raises(CircuitOpenError):
        list(h.client.stream(MESSAGES))
    assert len(h.endpoint.requests) == 4
    assert [r.error_class for r in h.records[-2:]] == ["CircuitOpenError"] * 2
    clock.now += 30
    h.endpoint.replies = [chat("back")]
    assert h.client.chat(MESSAGES).text == "back"
    assert breaker.state == "closed"


def test_client_errors_do_not_open_the_breaker():
    breaker = CircuitBreaker(failure_threshold=1)
    h = Harness(httpx.Response(400), breaker=breaker)
    for _ in range(3):
        with pytest.raises(BadRequestError):
            h.client.chat(MESSAGES)
    assert breaker.state == "closed"


def test_breaker_counts_connection_failures():
    breaker = CircuitBreaker(failure_threshold=1)
    h = Harness(httpx.ConnectError("refused"), max_retries=0, breaker=breaker)
    with pytest.raises(LLMConnectionError):
        h.client.embed(["x"])
    assert breaker.state == "open"


# -- records ---------------------------------------------------------------------------------


def test_record_of_a_successful_chat():
    h = Harness(chat("We do.", usage=(12, 3)))
    h.client.chat(MESSAGES, metadata={"purpose": "support", "object": ("order", 5)})
    record = h.record
    assert record.operation == "chat"
    assert record.base_url == "http://llm.test/v1"
    assert record.model == "test-model"
    assert record.status == "ok"
    assert record.error_class is None
    assert record.error_message == ""
    assert record.retries == 0
    assert (record.prompt_tokens, record.completion_tokens) == (12, 3)
    assert record.request_excerpt == "Do you have red shoes?"
    assert record.response_excerpt == "We do."
    assert record.metadata == {"purpose": "support", "object": ("order", 5)}
    assert 0 < record.ttft_s <= record.latency_s


def test_records_never_hold_the_api_key():
    echo = {"error": {"message": f"Invalid API key: {KEY}"}}
    h = Harness(httpx.Response(401, json=echo), chat(), stream(text_chunks("x")), chat())
    with pytest.raises(AuthenticationError) as caught:
        h.client.chat(MESSAGES)
    assert KEY not in str(caught.value)
    h.client.chat(MESSAGES)
    list(h.client.stream(MESSAGES))
    h.client.chat([{"role": "user", "content": f"my key is {KEY}"}])
    assert len(h.records) == 4
    for record in h.records:
        assert KEY not in str(record)


def test_base_url_credentials_stay_out_of_records():
    endpoint = Endpoint(chat())
    records = []
    client = LLMClient(
        "http://user:hunter2@llm.test/v1",
        transport=endpoint.transport,
        on_record=records.append,
    )
    client.chat(MESSAGES)
    assert "hunter2" not in str(records[0])


def test_long_excerpts_are_truncated():
    h = Harness(chat("y" * 5000))
    h.client.chat([{"role": "user", "content": "x" * 5000}])
    assert len(h.record.request_excerpt) == 2000
    assert len(h.record.response_excerpt) == 2000


def test_a_failing_on_record_does_not_break_the_call(caplog):
    def explode(record):
        raise RuntimeError("log table missing")

    endpoint = Endpoint(chat("fine"))
    client = LLMClient("http://llm.test/v1", transport=endpoint.transport, on_record=explode)
    with caplog.at_level(logging.ERROR, logger="django_llmshop.llm"):
        assert client.chat(MESSAGES).text == "fine"
    assert "on_record failed" in caplog.text


def test_one_record_per_call_whatever_happens():
    h = Harness(
        chat(),
        httpx.Response(400),
        stream(text_chunks("a")),
        httpx.Response(200, json={"data": [{"index": 0, "embedding": [0.5]}]}),
        max_retries=0,
    )
    h.client.chat(MESSAGES)
    with pytest.raises(BadRequestError):
        h.client.chat(MESSAGES)
    list(h.client.stream(MESSAGES))
    h.client.embed(["x"])
    assert [(r.operation, r.status) for r in h.records] == [
        ("chat", "ok"),
        ("chat", "error"),
        ("stream", "ok"),
        ("embed", "ok"),
    ]


# -- embeddings ------------------------------------------------------------------------------


def test_embed_returns_vectors_in_input_order():
    body = {
        "data": [
            {"object": "embedding", "index": 1, "embedding": [0.0, 1.0]},
            {"object": "embedding", "index": 0, "embedding": [1.0, 0.0]},
        ],
        "model": "embedder",
        "usage": {"prompt_tokens": 6, "total_tokens": 6},
    }
    h = Harness(httpx.Response(200, json=body), embedding_model="embedder")
    assert h.client.embed(["first", "second"], metadata={"purpose": "embedding"}) == [
        [1.0, 0.0],
        [0.0, 1.0],
    ]
    request = h.endpoint.requests[0]
    assert str(request.url) == "http://llm.test/v1/embeddings"
    assert json.loads(request.content) == {"input": ["first", "second"], "model": "embedder"}
    record = h.record
    assert (record.operation, record.model, record.prompt_tokens) == ("embed", "embedder", 6)
    assert record.response_excerpt == "2 vectors of 2 dimensions"
    assert record.request_excerpt == "first\nsecond"


def test_embed_with_no_inputs_sends_nothing():
    h = Harness(chat())
    assert h.client.embed([]) == []
    assert h.endpoint.requests == []


def test_embed_with_a_wrong_count_is_a_response_error():
    h = Harness(httpx.Response(200, json={"data": [{"index": 0, "embedding": [1.0]}]}))
    with pytest.raises(LLMResponseError):
        h.client.embed(["a", "b"])


def test_embed_retries():
    ok = httpx.Response(200, json={"data": [{"index": 0, "embedding": [1.0]}]})
    h = Harness(httpx.ReadTimeout("slow"), ok)
    assert h.client.embed(["a"]) == [[1.0]]
    assert h.record.retries == 1


# -- lifecycle -------------------------------------------------------------------------------


def test_context_manager_closes_the_client():
    endpoint = Endpoint(chat())
    with LLMClient("http://llm.test/v1", transport=endpoint.transport) as client:
        client.chat(MESSAGES)
    assert client._http.is_closed


def test_a_closed_client_raises_an_llm_error():
    client = LLMClient("http://llm.test/v1", api_key=KEY, transport=Endpoint(chat()).transport)
    client.close()
    with pytest.raises(LLMError, match="closed"):
        client.chat(MESSAGES)
    assert KEY not in repr(client)


@pytest.mark.parametrize("url", ["llm.test/v1", "ftp://llm.test", ""])
def test_base_url_must_be_http(url):
    with pytest.raises(ValueError, match="base_url"):
        LLMClient(url)


def test_stream_bodies_are_parsed_as_they_arrive():
    # The body arrives in awkward pieces (a split "\r\n" and a split UTF-8 character).
    raw = sse(text_chunks("naïve ", "€ café")).replace(b"\n\n", b"\r\n\r\n")
    parts = [raw[i : i + 7] for i in range(0, len(raw), 7)]
    h = Harness(lambda request: httpx.Response(200, content=iter(parts)))
    s = h.client.stream(MESSAGES)
    assert "".join(chunk.text for chunk in s) == "naïve € café"


def test_a_long_invalid_reply_is_shown_shortened_in_the_repair():
    # A small model that never stopped: the whole reply would not fit the model's context again.
    rambling = '{"title": "' + "very " * 3000
    h = Harness(chat(rambling), chat('{"title": "Red shoes", "bullets": []}'))
    assert h.client.chat(MESSAGES, response_format=SCHEMA_FORMAT).parsed["title"] == "Red shoes"
    echoed = h.endpoint.body(1)["messages"][2]["content"]
    assert len(echoed) == 2001 and echoed.startswith('{"title": "very') and "…" in echoed
    assert len(json.dumps(h.endpoint.body(1))) < 3000
