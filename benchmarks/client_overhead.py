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
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_llmshop.llm import AsyncLLMClient, LLMClient  # noqa: E402

MESSAGES = [{"role": "user", "content": "Is the 750 ml bottle dishwasher safe?"}]
REPLY = "Yes: the body and lid go on the top rack; hand-wash the straw."
Run = Callable[[int], None]  # makes n calls
Row = tuple[str, str]  # client, kind of call
KINDS = ("plain", "streamed", "async")


def measure(run: Run, calls: int) -> tuple[float, float]:
    """(CPU seconds, wall seconds) per call of ``calls`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    run(calls)
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


async def _async_client(base_url: str) -> AsyncLLMClient:
    return AsyncLLMClient(base_url=base_url, model="fake-model", api_key="k", timeout=30)


def sse_text(lines: list[str]) -> str:
    """The reply text of a streamed chat completion's server-sent events."""
    parts = []
    for line in lines:
        if line.startswith("data: ") and line != "data: [DONE]":
            for choice in json.loads(line[6:])["choices"]:
                parts.append(choice["delta"].get("content") or "")
    return "".join(parts)


def on_loop(loop: asyncio.AbstractEventLoop, call: Callable[[], Awaitable[str]]) -> Run:
    """n awaited calls, one after another, on the run's one event loop."""

    def run(n: int) -> None:
        async def calls() -> None:
            for _ in range(n):
                assert await call() == REPLY

        loop.run_until_complete(calls())

    return run


def in_turn(call: Callable[[], str]) -> Run:
    def run(n: int) -> None:
        for _ in range(n):
            assert call() == REPLY

    return run


def raw_clients(base_url: str, loop: asyncio.AbstractEventLoop) -> dict[Row, Run]:
    url = f"{base_url}/chat/completions"
    body = {"model": "fake-model", "messages": MESSAGES}
    headers = {"Authorization": "Bearer k"}
    raw, araw = httpx.Client(timeout=30), httpx.AsyncClient(timeout=30)

    def plain() -> str:
        response = raw.post(url, json=body, headers=headers)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    def streamed() -> str:
        with raw.stream("POST", url, json={**body, "stream": True}, headers=headers) as response:
            response.raise_for_status()
            return sse_text(list(response.iter_lines()))

    async def awaited() -> str:
        response = await araw.post(url, json=body, headers=headers)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])

    return {
        ("raw httpx", "plain"): in_turn(plain),
        ("raw httpx", "streamed"): in_turn(streamed),
        ("raw httpx", "async"): on_loop(loop, awaited),
    }


def our_clients(base_url: str, loop: asyncio.AbstractEventLoop) -> dict[Row, Run]:
    ours = LLMClient(base_url=base_url, model="fake-model", api_key="k", timeout=30)
    # One async client for the whole run, as a worker process would keep.
    aours = loop.run_until_complete(_async_client(base_url))

    async def awaited() -> str:
        return (await aours.chat(MESSAGES)).text

    return {
        ("ours", "plain"): in_turn(lambda: ours.chat(MESSAGES).text),
        ("ours", "streamed"): in_turn(lambda: "".join(c.text for c in ours.stream(MESSAGES))),
        ("ours", "async"): on_loop(loop, awaited),
    }


def openai_clients(base_url: str, loop: asyncio.AbstractEventLoop) -> dict[Row, Run]:
    try:
        import openai
    except ImportError:
        print("openai is not installed: it is left out")
        return {}
    official = openai.OpenAI(base_url=base_url, api_key="k", max_retries=0)
    aofficial = openai.AsyncOpenAI(base_url=base_url, api_key="k", max_retries=0)
    create, acreate = official.chat.completions.create, aofficial.chat.completions.create

    def plain() -> str:
        return str(create(model="fake-model", messages=MESSAGES).choices[0].message.content)  # type: ignore[arg-type]

    def streamed() -> str:
        chunks = create(model="fake-model", messages=MESSAGES, stream=True)  # type: ignore[arg-type]
        return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

    async def awaited() -> str:
        response = await acreate(model="fake-model", messages=MESSAGES)  # type: ignore[arg-type]
        return str(response.choices[0].message.content)

    return {
        ("openai-python", "plain"): in_turn(plain),
        ("openai-python", "streamed"): in_turn(streamed),
        ("openai-python", "async"): on_loop(loop, awaited),
    }


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
        loop = asyncio.new_event_loop()
        runs: dict[Row, Run] = {}
        for found in (raw_clients, our_clients, openai_clients):
            runs.update(found(base_url, loop))
        for run in runs.values():  # warm up connections and caches
            run(20)
        samples: dict[Row, list[tuple[float, float]]] = {row: [] for row in runs}
        for _ in range(args.rounds):
            for row, run in runs.items():
                samples[row].append(measure(run, args.calls))
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
    print()
    print("| client | call | CPU µs/call | wall µs/call | CPU vs raw httpx, same call |")
    print("|---|---|---|---|---|")
    for client, kind in sorted(runs, key=lambda row: (KINDS.index(row[1]), row[0] != "raw httpx")):
        cpu = statistics.median(c for c, _ in samples[client, kind])
        wall = statistics.median(w for _, w in samples[client, kind])
        baseline = statistics.median(c for c, _ in samples["raw httpx", kind])
        print(f"| {client} | {kind} | {cpu * 1e6:.0f} | {wall * 1e6:.0f} | {cpu / baseline:.2f} |")


if __name__ == "__main__":
    main()
