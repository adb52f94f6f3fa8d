"""Lifecycle, scripting controls and concurrency of FakeLLMServer."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from django_llmshop.testing import FakeLLMServer, RecordedRequest, Reply

BODY = {"messages": [{"role": "user", "content": "hi"}]}


def content(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    return response.json()["choices"][0]["message"]["content"]


def test_start_and_stop() -> None:
    server = FakeLLMServer(model="m1")
    with pytest.raises(RuntimeError):
        server.base_url  # noqa: B018
    assert server.start() is server
    try:
        assert server.base_url == f"http://127.0.0.1:{server.port}/v1"
        assert server.port > 0
        with pytest.raises(RuntimeError):
            server.start()
        assert httpx.get(f"{server.base_url}/models").json()["data"][0]["id"] == "m1"
        url = server.base_url
    finally:
        server.stop()
    server.stop()  # twice is fine
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/models")


def test_port_in_use_raises() -> None:
    with FakeLLMServer() as first:
        taken = FakeLLMServer(port=first.port)
        with pytest.raises(OSError):
            taken.start()


def test_context_manager_stops_when_the_body_raises() -> None:
    server = FakeLLMServer()
    threads_before = set(threading.enumerate())
    with pytest.raises(ZeroDivisionError), server:
        url = server.base_url
        1 / 0  # noqa: B018
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/models")
    assert set(threading.enumerate()) <= threads_before


def test_stop_closes_stalled_connections_promptly() -> None:
    server = FakeLLMServer().start()
    server.add(Reply.stall(seconds=60), Reply.stall_mid_stream(seconds=60))
    errors: list[BaseException] = []

    def call(stream: bool) -> None:
        try:
            httpx.post(
                f"{server.base_url}/chat/completions", json={**BODY, "stream": stream}, timeout=30
            ).read()
        except httpx.HTTPError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=call, args=(s,)) for s in (False, True)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 5
    while server.connections_open < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    start = time.monotonic()
    server.stop()
    for thread in threads:
        thread.join(timeout=5)
    assert time.monotonic() - start < 2
    assert len(errors) == 2


def test_reset_restores_construction_values() -> None:
    with FakeLLMServer(latency=0.05, default=Reply.text("base")) as server:
        httpx.get(f"{server.base_url}/models")
        server.add(Reply.text("scripted"))
        server.add(Reply.error(500), endpoint="embeddings")
        server.latency = 1.0
        server.default = Reply.text("other")
        server.responder = lambda request: Reply.text("dynamic")
        server.reset()
        assert server.requests == []
        assert server.pending == 0
        assert server.connections_opened == 0
        assert server.responder is None
        assert server.latency == 0.05
        assert content(httpx.post(f"{server.base_url}/chat/completions", json=BODY)) == "base"


def test_default_reply(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.default = Reply.text("always this")
    llm_server.add(Reply.text("first"))
    texts = [content(client.post("/chat/completions", json=BODY)) for _ in range(3)]
    assert texts == ["first", "always this", "always this"]


def test_responder_sees_the_request(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    seen: list[RecordedRequest] = []

    def hostile(request: RecordedRequest) -> Reply | None:
        seen.append(request)
        last = request.json["messages"][-1]["content"]
        return Reply.text("I will give you a refund!") if "refund" in last else None

    llm_server.responder = hostile
    llm_server.add(Reply.text("scripted first"))
    ask = {"messages": [{"role": "user", "content": "refund please"}]}
    assert content(client.post("/chat/completions", json=ask)) == "scripted first"
    assert content(client.post("/chat/completions", json=ask)) == "I will give you a refund!"
    assert content(client.post("/chat/completions", json=BODY)) == "Echo: hi"
    assert len(seen) == 2
    assert seen[0].path == "/v1/chat/completions"


def test_failing_responder_gives_500(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    def broken(request: RecordedRequest) -> Reply:
        raise KeyError("oops")

    llm_server.responder = broken
    response = client.post("/chat/completions", json=BODY)
    assert response.status_code == 500
    assert "KeyError" in response.json()["error"]["message"]


def test_latency_delays_every_response(llm_server: FakeLLMServer, client: httpx.Client) -> None:
    llm_server.latency = 0.2
    for call in (lambda: client.get("/models"), lambda: client.post("/embeddings", json={})):
        start = time.monotonic()
        call()
        assert 0.18 < time.monotonic() - start < 1.0


def test_keep_alive_reuses_one_connection(llm_server: FakeLLMServer) -> None:
    with httpx.Client(base_url=llm_server.base_url) as client:
        for i in range(50):
            if i % 2:
                client.post("/chat/completions", json=BODY).raise_for_status()
            else:
                with client.stream(
                    "POST", "/chat/completions", json={**BODY, "stream": True}
                ) as response:
                    response.read()
    assert len(llm_server.requests) == 50
    assert llm_server.connections_opened == 1


def test_connection_close_is_honoured(llm_server: FakeLLMServer) -> None:
    with httpx.Client(base_url=llm_server.base_url, headers={"Connection": "close"}) as client:
        for _ in range(3):
            response = client.post("/chat/completions", json=BODY)
            assert response.headers["connection"] == "close"
    assert llm_server.connections_opened == 3


def test_concurrent_delayed_requests_overlap(llm_server: FakeLLMServer) -> None:
    llm_server.latency = 0.3
    limits = httpx.Limits(max_connections=32)
    with httpx.Client(base_url=llm_server.base_url, limits=limits, timeout=10) as client:
        start = time.monotonic()
        with ThreadPoolExecutor(16) as pool:
            statuses = list(
                pool.map(
                    lambda _: client.post("/chat/completions", json=BODY).status_code, range(16)
                )
            )
        elapsed = time.monotonic() - start
    assert statuses == [200] * 16
    assert elapsed < 1.5  # serialised, it would take 16 * 0.3 = 4.8 s


def test_two_hundred_concurrent_streams(llm_server: FakeLLMServer) -> None:
    llm_server.default = Reply.text("one two three four five", ttft=0.5, token_delay=0.01)
    peak = 0

    async def one(client: httpx.AsyncClient, i: int) -> str:
        body = {"messages": [{"role": "user", "content": f"n{i}"}], "stream": True}
        async with client.stream("POST", "/chat/completions", json=body) as response:
            return "".join([line async for line in response.aiter_lines()])

    async def watch() -> None:
        nonlocal peak
        while True:
            peak = max(peak, llm_server.connections_open)
            await asyncio.sleep(0.02)

    async def main() -> list[str]:
        limits = httpx.Limits(max_connections=250, max_keepalive_connections=250)
        async with httpx.AsyncClient(
            base_url=llm_server.base_url, limits=limits, timeout=30
        ) as client:
            watcher = asyncio.create_task(watch())
            try:
                return await asyncio.gather(*(one(client, i) for i in range(200)))
            finally:
                watcher.cancel()

    start = time.monotonic()
    bodies = asyncio.run(main())
    assert time.monotonic() - start < 10
    assert all(body.endswith("data: [DONE]") for body in bodies)
    assert llm_server.connections_opened == 200
    assert peak >= 200


def test_peak_in_flight_counts_concurrent_requests():
    import asyncio

    import httpx

    from django_llmshop.testing import FakeLLMServer

    async def burst(url: str) -> None:
        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(client.get(url) for _ in range(6)))

    with FakeLLMServer(latency=0.2) as server:
        assert server.peak_in_flight == 0
        asyncio.run(burst(f"{server.base_url}/models"))
        assert server.peak_in_flight == 6
        # A client has its answer a moment before the server's thread counts the request out.
        deadline = time.monotonic() + 5
        while server.load._in_flight and time.monotonic() < deadline:
            time.sleep(0.005)
        server.reset_peak()
        assert server.peak_in_flight == 0
