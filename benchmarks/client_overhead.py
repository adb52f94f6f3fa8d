"""Per-call overhead of our LLM client against raw httpx and the openai client, in one run.

All three call the same fake OpenAI-compatible endpoint over loopback (no added latency), so a
call's time is the endpoint's own work plus the client's. Rounds interleave the clients so that
machine noise hits them alike; the median per-call time of each client is divided by raw
httpx's from the same run.

    python benchmarks/client_overhead.py [--calls 300] [--rounds 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import httpx

from django_llmshop.llm import LLMClient
from django_llmshop.testing import FakeLLMServer, Reply

MESSAGES = [{"role": "user", "content": "Is the 750 ml bottle dishwasher safe?"}]
REPLY = "Yes: the body and lid go on the top rack; hand-wash the straw."


def timed(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per client per round")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    with FakeLLMServer() as server:
        server.default = Reply.text(REPLY)
        url = f"{server.base_url}/chat/completions"
        body = {"model": server.model, "messages": MESSAGES}
        raw = httpx.Client(timeout=30)
        ours = LLMClient(base_url=server.base_url, model=server.model, api_key="k", timeout=30)

        def call_raw() -> object:
            response = raw.post(url, json=body, headers={"Authorization": "Bearer k"})
            response.raise_for_status()
            return response.json()["choices"][0]["message"]["content"]

        def call_ours() -> object:
            return ours.chat(MESSAGES).text

        clients: dict[str, Callable[[], object]] = {"raw httpx": call_raw, "ours": call_ours}
        try:
            import openai

            official = openai.OpenAI(base_url=server.base_url, api_key="k", max_retries=0)

            def call_openai() -> object:
                response = official.chat.completions.create(model=server.model, messages=MESSAGES)  # type: ignore[arg-type]
                return response.choices[0].message.content

            clients["openai-python"] = call_openai
        except ImportError:
            print("openai is not installed: comparing with raw httpx only")

        for call in clients.values():  # warm up connections and caches
            timed(call, 20)
        samples: dict[str, list[float]] = {name: [] for name in clients}
        for _ in range(args.rounds):
            for name, call in clients.items():
                samples[name].append(timed(call, args.calls))

    baseline = statistics.median(samples["raw httpx"])
    print(f"{args.rounds} rounds × {args.calls} calls each, fake endpoint on loopback")
    print(f"{'client':<15}{'median µs/call':>16}{'ratio to raw httpx':>22}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(f"{name:<15}{median * 1e6:>16.0f}{median / baseline:>22.3f}")
    ratio = statistics.median(samples["ours"]) / baseline
    print(f"ours / raw httpx = {ratio:.3f} (target <= 1.10)")


if __name__ == "__main__":
    main()
