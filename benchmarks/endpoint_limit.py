"""One endpoint limit across processes and hosts: peak in flight and throughput, with and without
the shared limiter.

Two "hosts" of two worker processes each (four processes, each with its own settings) run bulk
batches of async calls against one fake endpoint that takes LIMIT calls at once and answers
after LATENCY seconds. Every process may have MAX_CONCURRENCY = LIMIT / 2 calls in flight, the
setting a shop would choose for one host of two processes. With the shared limiter
(SHARED_MAX_CONCURRENCY = LIMIT in Redis) the endpoint must never see more than LIMIT at once,
while the throughput stays near the ideal LIMIT / LATENCY calls per second. The same run with
the local cap alone shows what happens without it: the second host doubles the load. A third
run splits the limit statically over the processes (MAX_CONCURRENCY = LIMIT / 4): it holds the
limit, but leaves the endpoint idle whenever some processes have no work.

    python benchmarks/endpoint_limit.py [--limit 16] [--latency 0.2] [--calls 200]

Needs Redis: REDIS_URL, or redis://127.0.0.1:6379/10.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django_llmshop.llm import AsyncLLMClient, EndpointBusyError  # noqa: E402
from django_llmshop.llm.limiter import SharedLimiter, SharedLimits  # noqa: E402
from django_llmshop.testing import FakeLLMServer  # noqa: E402

MESSAGES = [{"role": "user", "content": "Describe a steel bottle, 750 ml."}]


def worker(
    host_settings: dict[str, Any],
    calls: int,
    start: Any,
    results: Any,
) -> None:
    """One worker process: a bulk batch of ``calls`` async calls, bounded by its settings."""
    limiter = None
    if host_settings["LIMITER_REDIS_URL"]:
        limiter = SharedLimiter(
            host_settings["LIMITER_REDIS_URL"],
            SharedLimits(
                name=host_settings["ENDPOINT"],
                concurrency=host_settings["SHARED_MAX_CONCURRENCY"],
                lease=host_settings["TIMEOUT"] + 10,
            ),
        )

    async def batch() -> tuple[int, int]:
        async with AsyncLLMClient(
            host_settings["BASE_URL"],
            model="bench",
            timeout=host_settings["TIMEOUT"],
            max_retries=0,
            max_concurrency=host_settings["MAX_CONCURRENCY"],
            limiter=limiter,
        ) as client:

            async def one() -> bool:
                try:
                    await client.chat(MESSAGES)
                except EndpointBusyError:
                    return False
                return True

            outcomes = await asyncio.gather(*(one() for _ in range(calls)))
        return sum(outcomes), calls - sum(outcomes)

    start.wait()
    began = time.time()
    done, busy = asyncio.run(batch())
    results.put((began, time.time(), done, busy))


def run(
    args: argparse.Namespace, server: FakeLLMServer, shared: bool, per_process: int
) -> dict[str, float]:
    spawn = multiprocessing.get_context("spawn")
    name = f"bench-{uuid.uuid4().hex[:8]}"
    processes = []
    start = spawn.Barrier(args.hosts * args.processes_per_host + 1)
    results = spawn.Queue()
    for _host in range(args.hosts):
        # Each host reads its own settings, as separate machines would.
        host_settings = {
            "BASE_URL": server.base_url,
            "ENDPOINT": name,
            "TIMEOUT": 30.0,
            "MAX_CONCURRENCY": per_process,
            "SHARED_MAX_CONCURRENCY": args.limit,
            "LIMITER_REDIS_URL": args.redis if shared else None,
        }
        for _ in range(args.processes_per_host):
            process = spawn.Process(target=worker, args=(host_settings, args.calls, start, results))
            process.start()
            processes.append(process)
    start.wait()  # every process has imported everything: the clock starts now
    server.reset_peak()
    outcomes = [results.get(timeout=300) for _ in processes]
    for process in processes:
        process.join()
    elapsed = max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
    done = sum(o[2] for o in outcomes)
    rate = done / elapsed
    return {
        "peak": server.peak_in_flight,
        "done": done,
        "busy": sum(o[3] for o in outcomes),
        "elapsed": elapsed,
        "rate": rate,
        "ratio": rate / (args.limit / args.latency),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=16, help="calls the endpoint takes at once")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--calls", type=int, default=200, help="calls per process")
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--processes-per-host", type=int, default=2)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"))
    args = parser.parse_args()

    processes = args.hosts * args.processes_per_host
    per_host = max(1, args.limit // args.processes_per_host)
    split = max(1, args.limit // processes)
    with FakeLLMServer(latency=args.latency) as server:
        rows = [
            (f"shared limiter, local cap {per_host}", run(args, server, True, per_host)),
            (f"local cap {per_host} only", run(args, server, False, per_host)),
            (f"local cap {split} only (static split)", run(args, server, False, split)),
        ]
    print(
        f"{processes} processes on {args.hosts} hosts, {args.calls} calls each; endpoint limit "
        f"{args.limit}, latency {args.latency * 1000:.0f} ms, ideal {args.limit / args.latency:.0f}"
        " calls/s"
    )
    print()
    print("| run | peak in flight | limit | calls | busy errors | seconds | calls/s | of ideal |")
    print("|---|---|---|---|---|---|---|---|")
    for label, row in rows:
        print(
            f"| {label} | {row['peak']} | {args.limit} | {row['done']:.0f} | {row['busy']:.0f} "
            f"| {row['elapsed']:.2f} | {row['rate']:.1f} | {row['ratio']:.2f} |"
        )
    shared = rows[0][1]
    verdict = "ok" if shared["peak"] <= args.limit and shared["ratio"] >= 0.9 else "MISSED"
    print(f"\nshared limiter: peak <= {args.limit} and >= 0.9 of ideal: {verdict}")


if __name__ == "__main__":
    main()
