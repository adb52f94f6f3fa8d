"""Client CPU per call of our LLM client against raw httpx and the openai client, in one run.

The fake OpenAI-compatible endpoint runs in a process of its own (``python -m
django_llmshop.testing``), so this process's CPU time is the clients' alone: for each client
and kind of call (plain, streamed, async) it reports CPU microseconds per call
(``time.process_time``) and wall time per call, the median over rounds that interleave the
clients so that machine noise hits them alike, and the ratio of CPU to raw httpx's from the same
run. The versions of httpx and openai are printed with the figures.

    python benchmarks/client_overhead.py [--calls 300] [--rounds 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_llmshop.llm import AsyncLLMClient, LLMClient  # noqa: E402

MESSAGES = [{"role": "user", "content": "Is the 750 ml bottle dishwasher safe?"}]
REPLY = "Yes: the body and lid go on the top rack; hand-wash the straw."
Run = Callable[[int], None]  # makes n calls


def measure(run: Run, calls: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per call of ``calls`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    run(calls)
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


async def _async_client(base_url: str) -> AsyncLLMClient:
    return AsyncLLMClient(base_url=base_url, model="fake-model", api_key="k", timeout=30)


def clients(base_url: str) -> dict[str, Run]:
    url = f"{base_url}/chat/completions"
    body = {"model": "fake-model", "messages": MESSAGES}
    headers = {"Authorization": "Bearer k"}
    raw = httpx.Client(timeout=30)
    ours = LLMClient(base_url=base_url, model="fake-model", api_key="k", timeout=30)

    def raw_plain(n: int) -> None:
        for _ in range(n):
            response = raw.post(url, json=body, headers=headers)
            response.raise_for_status()
            assert response.json()["choices"][0]["message"]["content"] == REPLY

    def ours_plain(n: int) -> None:
        for _ in range(n):
            assert ours.chat(MESSAGES).text == REPLY

    def ours_stream(n: int) -> None:
        for _ in range(n):
            assert "".join(chunk.text for chunk in ours.stream(MESSAGES)) == REPLY

    # One event loop and one async client for the whole run, as a worker process would keep.
    loop = asyncio.new_event_loop()
    aours = loop.run_until_complete(_async_client(base_url))

    def ours_async(n: int) -> None:
        async def calls() -> None:
            for _ in range(n):
                assert (await aours.chat(MESSAGES)).text == REPLY

        loop.run_until_complete(calls())

    found: dict[str, Run] = {
        "raw httpx": raw_plain,
        "ours": ours_plain,
        "ours, streamed": ours_stream,
        "ours, async": ours_async,
    }
    try:
        import openai
    except ImportError:
        print("openai is not installed: it is left out")
        return found
    official = openai.OpenAI(base_url=base_url, api_key="k", max_retries=0)

    def openai_plain(n: int) -> None:
        for _ in range(n):
            response = official.chat.completions.create(model="fake-model", messages=MESSAGES)  # type: ignore[arg-type]
            assert response.choices[0].message.content == REPLY

    found["openai-python"] = openai_plain
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per client per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "django_llmshop.testing", "--port", "0", "--reply", REPLY],
        cwd=ROOT,
        stdout=subprocess.PIPE,
    )
    try:
        assert server.stdout is not None
        base_url = server.stdout.readline().decode().strip()
        runs = clients(base_url)
        for run in runs.values():  # warm up connections and caches
            run(20)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                samples[name].append(measure(run, args.calls))
    finally:
        server.terminate()
        server.wait(timeout=20)

    try:
        import openai

        openai_version = openai.__version__
    except ImportError:
        openai_version = "not installed"
    print(f"httpx {httpx.__version__}, openai {openai_version}; fake endpoint in its own process")
    print(f"{args.rounds} rounds × {args.calls} calls each")
    baseline = statistics.median(cpu for cpu, _ in samples["raw httpx"])
    print(f"{'client':<16}{'CPU µs/call':>13}{'wall µs/call':>14}{'CPU ratio to raw httpx':>25}")
    for name, values in samples.items():
        cpu = statistics.median(c for c, _ in values)
        wall = statistics.median(w for _, w in values)
        print(f"{name:<16}{cpu * 1e6:>13.0f}{wall * 1e6:>14.0f}{cpu / baseline:>25.3f}")


if __name__ == "__main__":
    main()
