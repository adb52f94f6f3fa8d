"""Chat completions of the fake server, streamed and not, for each kind of normal reply."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from django_llmshop.testing import FakeLLMServer, Reply
from tests.testing.streams import (
    chunks,
    finish_reasons,
    stream_lines,
    streamed_text,
    streamed_tool_calls,
)

MESSAGES = [
    {"role": "system", "content": "You are a shop assistant."},
    {"role": "user", "content": "Where is my parcel?"},
]


def chat(client: httpx.Client, **body: object) -> dict:
    response = client.post("/chat/completions", json={"messages": MESSAGES, **body})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return response.json()


def test_text_reply(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.text("Hello there"))
    body = chat(client, model="gpt-test")
    assert body["object"] == "chat.completion"
    assert body["id"].startswith("chatcmpl-")
    assert body["model"] == "gpt-test"
    choice = body["choices"][0]
    assert choice["message"] == {"role": "assistant", "content": "Hello there", "tool_calls": None}
    assert choice["finish_reason"] == "stop"
    assert body["usage"]["completion_tokens"] == 2
    assert body["usage"]["total_tokens"] == body["usage"]["prompt_tokens"] + 2


def test_model_defaults_to_the_servers(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    assert chat(client)["model"] == llm_server.model == "fake-model"


def test_default_reply_echoes_the_last_user_message(client: httpx.Client) -> None:
    body = chat(client)
    assert body["choices"][0]["message"]["content"] == "Echo: Where is my parcel?"


def test_echo_reads_content_parts(client: httpx.Client) -> None:
    parts = [{"type": "text", "text": "two"}, {"type": "text", "text": "parts"}]
    response = client.post(
        "/chat/completions", json={"messages": [{"role": "user", "content": parts}]}
    )
    assert response.json()["choices"][0]["message"]["content"] == "Echo: two parts"


def test_explicit_usage(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.text("x", usage=(12, 3)))
    assert chat(client)["usage"] == {
        "prompt_tokens": 12,
        "completion_tokens": 3,
        "total_tokens": 15,
    }


def test_json_reply(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.json({"title": "Linen shirt", "sizes": ["S", "M"]}))
    content = chat(client)["choices"][0]["message"]["content"]
    assert json.loads(content) == {"title": "Linen shirt", "sizes": ["S", "M"]}


def test_tool_calls_reply(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(
        Reply.tool_calls(
            ("get_my_order", {"number": "A-1"}), ("read_policy", '{"topic": "returns"}')
        )
    )
    choice = chat(client)["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    calls = choice["message"]["tool_calls"]
    assert [c["function"]["name"] for c in calls] == ["get_my_order", "read_policy"]
    assert json.loads(calls[0]["function"]["arguments"]) == {"number": "A-1"}
    assert calls[1]["function"]["arguments"] == '{"topic": "returns"}'
    assert all(c["type"] == "function" and c["id"].startswith("call_") for c in calls)
    assert calls[0]["id"] != calls[1]["id"]


def test_script_is_fifo(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.text("one"), Reply.text("two"))
    llm_server.add(Reply.text("three"))
    assert llm_server.pending == 3
    texts = [chat(client)["choices"][0]["message"]["content"] for _ in range(4)]
    assert texts == ["one", "two", "three", "Echo: Where is my parcel?"]
    assert llm_server.pending == 0


TEXTS = [
    "Hello there",
    "  Leading spaces, punctuation!  And trailing whitespace \n",
    "Unicode: 你好, café — naïve…",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_stream_concatenates_to_the_text(
    llm_server: FakeLLMServer, client: httpx.Client, text: str
) -> None:
    llm_server.add(Reply.text(text))
    lines = stream_lines(client, {"messages": MESSAGES})
    assert lines[-1] == "[DONE]"
    assert lines.count("[DONE]") == 1
    assert streamed_text(lines) == text
    first = chunks(lines)[0]
    assert first["object"] == "chat.completion.chunk"
    assert first["choices"][0]["delta"]["role"] == "assistant"
    assert finish_reasons(lines) == ["stop"]
    assert len({chunk["id"] for chunk in chunks(lines)}) == 1


def test_stream_splits_text_into_small_pieces(
    llm_server: FakeLLMServer, client: httpx.Client
) -> None:
    llm_server.add(Reply.text("one two three, four"))
    pieces = [
        c["choices"][0]["delta"]["content"]
        for c in chunks(stream_lines(client, {"messages": MESSAGES}))[1:-1]
    ]
    assert pieces == ["one", " two", " three", ",", " four"]


def test_stream_usage_chunk_only_when_asked(
    llm_server: FakeLLMServer, client: httpx.Client
) -> None:
    llm_server.add(Reply.text("a b c", usage=(7, 3)), Reply.text("a b c"))
    asked = stream_lines(client, {"messages": MESSAGES, "stream_options": {"include_usage": True}})
    usage_chunk = chunks(asked)[-1]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"] == {"prompt_tokens": 7, "completion_tokens": 3, "total_tokens": 10}
    assert asked[-1] == "[DONE]"
    not_asked = stream_lines(client, {"messages": MESSAGES})
    assert all("usage" not in chunk for chunk in chunks(not_asked))
    assert all(chunk["choices"] for chunk in chunks(not_asked))


def test_stream_json_reply(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.json({"title": "x", "n": [1, 2]}))
    assert json.loads(streamed_text(stream_lines(client, {"messages": MESSAGES}))) == {
        "title": "x",
        "n": [1, 2],
    }


def test_stream_tool_call_deltas_reassemble(
    llm_server: FakeLLMServer, client: httpx.Client
) -> None:
    llm_server.add(
        Reply.tool_calls(
            ("get_my_order", {"number": "A-1"}),
            ("search_catalog", {"query": "linen shirt", "limit": 5}),
        )
    )
    lines = stream_lines(client, {"messages": MESSAGES})
    calls = streamed_tool_calls(lines)
    assert [c["name"] for c in calls] == ["get_my_order", "search_catalog"]
    assert json.loads(calls[0]["arguments"]) == {"number": "A-1"}
    assert json.loads(calls[1]["arguments"]) == {"query": "linen shirt", "limit": 5}
    assert all(c["id"].startswith("call_") for c in calls)
    argument_deltas = [
        delta
        for chunk in chunks(lines)
        for delta in chunk["choices"][0]["delta"].get("tool_calls", [])
        if delta["index"] == 0 and "id" not in delta
    ]
    assert len(argument_deltas) > 2  # the arguments arrive in several pieces
    assert finish_reasons(lines) == ["tool_calls"]
    assert lines[-1] == "[DONE]"


def test_stream_timing(llm_server: FakeLLMServer) -> None:
    llm_server.add(Reply.text("a b c d e", ttft=0.2, token_delay=0.05))
    arrivals = []
    with (
        httpx.Client(base_url=llm_server.base_url) as client,
        client.stream(
            "POST", "/chat/completions", json={"messages": MESSAGES, "stream": True}
        ) as response,
    ):
        start = time.monotonic()
        for line in response.iter_lines():
            if '"content": "' in line and '"content": ""' not in line:
                arrivals.append(time.monotonic() - start)
    assert len(arrivals) == 5
    assert 0.15 < arrivals[0] < 0.6
    assert arrivals[-1] - arrivals[0] >= 0.15  # four token delays of 0.05 s


def test_non_stream_waits_ttft(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.text("slow", ttft=0.2))
    start = time.monotonic()
    chat(client)
    assert 0.18 < time.monotonic() - start < 1.0
