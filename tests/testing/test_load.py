"""The fake server's load options: a limit on requests in flight (429 above it) and spread waits."""

from __future__ import annotations

import contextlib
import json
import signal
import statistics
import subprocess
import sys
import threading
import time

import httpx
import pytest

from django_llmshop.llm import LLMClient, RateLimitError
from django_llmshop.testing import FakeLLMServer
from django_llmshop.testing.load import Load

BODY = {"messages": [{"role": "user", "content": "hi"}]}


def wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_a_request_over_the_limit_gets_429_with_retry_after() -> None:
    answers: list[int] = []
    with FakeLLMServer(latency=60, max_in_flight=2, retry_after=2.5) as server:
        url = f"{server.base_url}/chat/completions"

        def held() -> None:
            try:
                answers.append(httpx.post(url, json=BODY, timeout=120).status_code)
            except httpx.HTTPError:
                answers.append(0)  # stop() below cuts the held requests off

        threads = [threading.Thread(target=held) for _ in range(2)]
        for thread in threads:
            thread.start()
        wait_for(lambda: server.peak_in_flight == 2, "two requests in flight")
        refused = httpx.post(url, json=BODY, timeout=10)
        stats = server.stats()
        server.stop()
        for thread in threads:
            thread.join(timeout=10)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "3"
    assert refused.headers["retry-after-ms"] == "2500"
    assert refused.json()["error"]["type"] == "rate_limit_error"
    assert (stats.answered, stats.rejected, stats.peak_in_flight) == (2, 1, 2)
    assert len(server.requests) == 3  # refused requests are recorded too
    assert answers == [0, 0]


def test_answered_requests_free_their_place() -> None:
    server = FakeLLMServer(max_in_flight=1)
    with server, httpx.Client(base_url=server.base_url, timeout=10) as client:
        codes = [client.post("/chat/completions", json=BODY).status_code for _ in range(5)]
    assert codes == [200] * 5
    assert server.stats().rejected == 0


def test_the_client_reads_the_refusal_as_a_rate_limit() -> None:
    with FakeLLMServer(latency=60, max_in_flight=1, retry_after=0.2) as server:
        client = LLMClient(server.base_url, max_retries=0)
        holder = threading.Thread(target=lambda: _post_quietly(server.base_url), daemon=True)
        holder.start()
        wait_for(lambda: server.peak_in_flight == 1, "one request in flight")
        with pytest.raises(RateLimitError) as caught:
            client.chat([{"role": "user", "content": "hi"}])
        client.close()
    assert caught.value.retry_after == 0.2


def _post_quietly(base_url: str) -> None:
    with contextlib.suppress(httpx.HTTPError):
        httpx.post(f"{base_url}/chat/completions", json=BODY, timeout=120)


def test_without_a_limit_nothing_is_refused() -> None:
    with FakeLLMServer(latency=0.3) as server:
        url = f"{server.base_url}/models"
        threads = [threading.Thread(target=httpx.get, args=(url,)) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert server.stats().rejected == 0
    assert server.stats().answered == 20


def test_lognormal_waits_keep_their_mean_and_have_a_long_tail() -> None:
    load = Load(latency_sigma=1.0, seed=7)
    waits = [load.wait(0.2) for _ in range(20000)]
    assert statistics.fmean(waits) == pytest.approx(0.2, rel=0.05)
    assert statistics.median(waits) < 0.15  # most answers come sooner than the mean
    assert sum(w > 0.8 for w in waits) > 100  # and some much later
    assert load.stats().mean_latency == pytest.approx(statistics.fmean(waits))


def test_a_seed_repeats_the_waits_and_reset_starts_them_again() -> None:
    first, second = Load(latency_sigma=0.8, seed=3), Load(latency_sigma=0.8, seed=3)
    waits = [first.wait(0.1) for _ in range(50)]
    assert waits == [second.wait(0.1) for _ in range(50)]
    assert Load(latency_sigma=0.8, seed=4).wait(0.1) != waits[0]
    first.reset()
    assert [first.wait(0.1) for _ in range(50)] == waits
    assert first.stats().answered == 50


def test_no_spread_waits_exactly_the_latency() -> None:
    load = Load(seed=1)
    assert {load.wait(0.25) for _ in range(10)} == {0.25}
    assert Load(latency_sigma=1.0).wait(0.0) == 0.0


def test_the_server_serves_the_drawn_waits() -> None:
    with FakeLLMServer(latency=0.01, latency_sigma=1.0, seed=5) as server:
        with httpx.Client(base_url=server.base_url, timeout=10) as client:
            for _ in range(30):
                assert client.post("/chat/completions", json=BODY).status_code == 200
        drawn = Load(latency_sigma=1.0, seed=5)
        expected = statistics.fmean(drawn.wait(0.01) for _ in range(30))
        assert server.stats().mean_latency == pytest.approx(expected)
        server.reset()
        assert server.stats().answered == 0


def test_bad_load_options_are_refused() -> None:
    with pytest.raises(ValueError):
        Load(max_in_flight=0)
    with pytest.raises(ValueError):
        Load(latency_sigma=-1)


def test_command_line_limit_and_stats_on_exit() -> None:
    command = [sys.executable, "-m", "django_llmshop.testing", "--port", "0", "--stats"]
    command += ["--max-in-flight", "1", "--latency", "60", "--retry-after", "4"]
    answers: list[httpx.Response | None] = []

    def post(url: str) -> None:
        try:
            answers.append(httpx.post(url, json=BODY, timeout=120))
        except httpx.HTTPError:
            answers.append(None)  # the one held is cut off when the server stops

    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as p:
        try:
            assert p.stdout is not None
            url = p.stdout.readline().strip() + "/chat/completions"
            for _ in range(2):
                threading.Thread(target=post, args=(url,), daemon=True).start()
            wait_for(lambda: len(answers) == 1, "one answer")
        finally:
            p.send_signal(signal.SIGTERM)
            out, _ = p.communicate(timeout=20)
    refused = answers[0]
    assert refused is not None
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "4"
    stats = json.loads(out.strip().splitlines()[-1])
    assert (stats["answered"], stats["rejected"], stats["peak_in_flight"]) == (1, 1, 1)
