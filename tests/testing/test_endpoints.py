"""Embeddings, models, request records and HTTP errors of the fake server."""

from __future__ import annotations

import base64
import math
import struct
import time

import httpx
import pytest

from django_llmshop.testing import FakeLLMServer


def embed(client: httpx.Client, texts: str | list[str], **extra: object) -> list[list[float]]:
    response = client.post("/embeddings", json={"input": texts, **extra})
    assert response.status_code == 200
    return [item["embedding"] for item in response.json()["data"]]


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True))


def test_embeddings_shape(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    body = client.post("/embeddings", json={"input": ["red shirt", "blue mug"]}).json()
    assert body["object"] == "list"
    assert body["model"] == "fake-model"
    assert [item["index"] for item in body["data"]] == [0, 1]
    assert all(item["object"] == "embedding" for item in body["data"])
    assert all(len(item["embedding"]) == llm_server.embedding_dim == 64 for item in body["data"])
    assert body["usage"] == {"prompt_tokens": 4, "total_tokens": 4}


def test_embeddings_are_deterministic_unit_vectors(client: httpx.Client) -> None:
    first = embed(client, "A linen shirt, washed.")[0]
    again = embed(client, ["A linen shirt, washed."])[0]
    assert first == again
    assert math.isclose(math.sqrt(sum(x * x for x in first)), 1.0)
    assert embed(client, "a LINEN shirt washed")[0] == first  # lower-cased words only


def test_similar_texts_are_closer(client: httpx.Client) -> None:
    shirt, similar, unrelated = embed(
        client,
        [
            "organic cotton shirt with long sleeves",
            "long sleeves cotton shirt in blue",
            "stainless steel kettle for the kitchen",
        ],
    )
    assert cosine(shirt, similar) > 0.4
    assert cosine(shirt, similar) > cosine(shirt, unrelated) + 0.3


def test_embeddings_dimensions_and_base64(client: httpx.Client) -> None:
    floats = embed(client, "blue mug", dimensions=16)[0]
    assert len(floats) == 16
    encoded = embed(client, "blue mug", dimensions=16, encoding_format="base64")[0]
    decoded = struct.unpack("<16f", base64.b64decode(encoded))
    assert all(math.isclose(a, b, rel_tol=1e-6) for a, b in zip(decoded, floats, strict=True))


def test_embedding_dim_of_the_server() -> None:
    with FakeLLMServer(embedding_dim=8) as server:
        response = httpx.post(f"{server.base_url}/embeddings", json={"input": "x"})
        assert len(response.json()["data"][0]["embedding"]) == 8


@pytest.mark.parametrize(
    "body", [{}, {"input": []}, {"input": [1, 2]}, {"input": "x", "encoding_format": "hex"}]
)
def test_embeddings_bad_input(client: httpx.Client, body: dict) -> None:
    response = client.post("/embeddings", json=body)
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_models(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    body = client.get("/models").json()
    assert body["object"] == "list"
    assert [model["id"] for model in body["data"]] == ["fake-model"]


def test_unknown_path_is_404(client: httpx.Client) -> None:
    response = client.post("/completions", json={})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405(client: httpx.Client) -> None:
    assert client.get("/chat/completions").status_code == 405


@pytest.mark.parametrize("content", [b"{not json", b"[1, 2]", b"", b"\xff\xfe"])
def test_bad_request_json_is_400(client: httpx.Client, content: bytes) -> None:
    response = client.post(
        "/chat/completions", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]["message"]


def test_messages_must_be_a_list(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    response = client.post("/chat/completions", json={"messages": "hi"})
    assert response.status_code == 400
    assert llm_server.requests[-1].json == {"messages": "hi"}


def test_requests_are_recorded(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    before = time.monotonic()
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}], "temperature": 0}
    client.post("/chat/completions", json=body, headers={"Authorization": "Bearer k", "X-Ab": "1"})
    client.post("/chat/completions", content=b"{not json")
    client.get("/models?x=1")
    first, second, third = llm_server.requests
    assert (first.method, first.path, first.json) == ("POST", "/v1/chat/completions", body)
    assert first.headers["authorization"] == "Bearer k"
    assert first.headers["x-ab"] == "1"
    assert before <= first.received_at <= second.received_at <= time.monotonic()
    assert second.json is None
    assert second.body == b"{not json"
    assert (third.method, third.path, third.json) == ("GET", "/v1/models", None)


def test_requests_is_a_copy(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    records = llm_server.requests
    client.get("/models")
    assert records == []
    assert len(llm_server.requests) == 1
