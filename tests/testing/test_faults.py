"""The fake server's failure replies: errors, resets, stalls, truncation, bad JSON."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from django_llmshop.testing import FakeLLMServer, Reply
from tests.testing.streams import chunks, finish_reasons, stream_lines, streamed_text

BODY = {"messages": [{"role": "user", "content": "hi"}]}


@pytest.mark.parametrize("stream", [False, True])
def test_rate_limit_error_with_headers(
    llm_server: FakeLLMServer, client: httpx.Client, stream: bool
) -> None:
    llm_server.add(Reply.error(429, headers={"Retry-After": "1"}))
    response = client.post("/chat/completions", json={**BODY, "stream": stream})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert error["type"] == "rate_limit_error"
    assert error["code"] == "rate_limit_exceeded"
    assert error["message"]


def test_server_error_default_body(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.error(503, message="overloaded"))
    response = client.post("/chat/completions", json=BODY)
    assert response.status_code == 503
    assert response.json()["error"] == {
        "message": "overloaded",
        "type": "server_error",
        "param": None,
        "code": None,
    }


def test_error_with_custom_bodies(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(
        Reply.error(400, body={"error": {"message": "context too long"}}),
        Reply.error(502, body="<html>Bad gateway</html>", headers={"Content-Type": "text/html"}),
    )
    first = client.post("/chat/completions", json=BODY)
    assert first.status_code == 400
    assert first.json() == {"error": {"message": "context too long"}}
    second = client.post("/chat/completions", json=BODY)
    assert second.status_code == 502
    assert second.headers["content-type"] == "text/html"
    assert second.text == "<html>Bad gateway</html>"


def test_error_keeps_the_connection(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.error(500), Reply.text("fine"))
    assert client.post("/chat/completions", json=BODY).status_code == 500
    assert client.post("/chat/completions", json=BODY).status_code == 200
    assert llm_server.connections_opened == 1


def test_reset_mid_stream(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.reset_mid_stream(after_chunks=3))
    received = []
    with (
        pytest.raises(httpx.ReadError),
        client.stream("POST", "/chat/completions", json={**BODY, "stream": True}) as response,
    ):
        assert response.status_code == 200
        for line in response.iter_lines():
            if line:
                received.append(line)
    assert len(received) == 3
    assert all(line.startswith("data: {") for line in received)


def test_reset_without_stream(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.reset_mid_stream())
    with pytest.raises(httpx.ReadError):
        client.post("/chat/completions", json=BODY)
    assert client.post("/chat/completions", json=BODY).status_code == 200  # a new connection


@pytest.mark.parametrize("stream", [False, True])
def test_stall_times_out(llm_server: FakeLLMServer, stream: bool) -> None:
    llm_server.add(Reply.stall(seconds=30))
    start = time.monotonic()
    with (
        httpx.Client(base_url=llm_server.base_url, timeout=0.3) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.post("/chat/completions", json={**BODY, "stream": stream})
    assert time.monotonic() - start < 2


def test_stall_ends_with_a_close(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.stall(seconds=0.1))
    with pytest.raises(httpx.RemoteProtocolError):
        client.post("/chat/completions", json=BODY)


def test_stall_mid_stream(llm_server: FakeLLMServer) -> None:
    llm_server.add(Reply.stall_mid_stream(after_chunks=2, seconds=30))
    received = []
    with (
        httpx.Client(base_url=llm_server.base_url, timeout=0.3) as client,
        pytest.raises(httpx.ReadTimeout),
        client.stream("POST", "/chat/completions", json={**BODY, "stream": True}) as response,
    ):
        for line in response.iter_lines():
            if line:
                received.append(line)
    assert len(received) == 2


def test_stall_mid_body_without_stream(llm_server: FakeLLMServer) -> None:
    llm_server.add(Reply.stall_mid_stream(seconds=30))
    with (
        httpx.Client(base_url=llm_server.base_url, timeout=0.3) as client,
        pytest.raises(httpx.ReadTimeout),
    ):
        client.post("/chat/completions", json=BODY)


def test_truncated_stream(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.truncated_stream(after_chunks=4, text="one two three four five"))
    lines = stream_lines(client, BODY)  # ends cleanly: no transport error
    assert len(lines) == 4
    assert "[DONE]" not in lines
    assert finish_reasons(lines) == []
    assert streamed_text(lines) == "one two three"


def test_truncated_without_stream_is_a_length_finish(
    llm_server: FakeLLMServer, client: httpx.Client
) -> None:
    llm_server.add(Reply.truncated_stream(after_chunks=3, text="one two three four"))
    choice = client.post("/chat/completions", json=BODY).json()["choices"][0]
    assert choice["finish_reason"] == "length"
    assert choice["message"]["content"] == "one two"


def test_malformed_json(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.malformed_json())
    response = client.post("/chat/completions", json=BODY)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(response.text)


def test_malformed_json_in_stream(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.malformed_json())
    lines = stream_lines(client, BODY)
    assert lines[-1] == "[DONE]"
    json.loads(lines[0])
    with pytest.raises(json.JSONDecodeError):
        chunks(lines)


def test_embeddings_script_takes_faults(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.add(Reply.error(429, headers={"Retry-After": "2"}), endpoint="embeddings")
    llm_server.add(Reply.text("for chat"))
    failed = client.post("/embeddings", json={"input": "linen"})
    assert failed.status_code == 429
    assert failed.headers["retry-after"] == "2"
    assert client.post("/embeddings", json={"input": "linen"}).status_code == 200
    answer = client.post("/chat/completions", json=BODY).json()
    assert answer["choices"][0]["message"]["content"] == "for chat"
