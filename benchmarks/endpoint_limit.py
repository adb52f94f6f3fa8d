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
limit, but leaves the endpoint idle whenever some processes have no work. On a busy machine the
ideal is out of reach for every run (the clients and the fake endpoint share the cores), so each
rate is also given as a ratio to the static split of the same run. An unmeasured round of each
kind comes first, so that one-time costs of a fresh process (imports, the Lua scripts loaded in
Redis) are left out, as they are for a long-lived worker.

    python benchmarks/endpoint_limit.py [--limit 16] [--latency 0.2] [--calls 120] [--rounds 2]

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


def run_batch(host_settings: dict[str, Any], calls: int) -> tuple[int, int]:
    """A bulk batch of ``calls`` async calls, bounded by one process's settings."""
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

    return asyncio.run(batch())


def worker(plans: Any, start: Any, results: Any) -> None:
    """One worker process: for each run, its host's settings and calls, then one batch at the
    signal."""
    while (plan := plans.get()) is not None:
        host_settings, calls = plan
        start.wait()
        began = time.time()
        done, busy = run_batch(host_settings, calls)
        results.put((began, time.time(), done, busy))


class Fleet:
    """HOSTS x PROCESSES_PER_HOST worker processes, started once and given one run at a time."""

    def __init__(self, args: argparse.Namespace) -> None:
        spawn = multiprocessing.get_context("spawn")
        self.args = args
        self.start = spawn.Barrier(args.hosts * args.processes_per_host + 1)
        self.results = spawn.Queue()
        self.plans = [
            [spawn.Queue() for _ in range(args.processes_per_host)] for _ in range(args.hosts)
        ]
        self.processes = [
            spawn.Process(target=worker, args=(plans, self.start, self.results))
            for host in self.plans
            for plans in host
        ]
        for process in self.processes:
            process.start()

    def run(
        self, server: FakeLLMServer, shared: bool, per_process: int, calls: int
    ) -> dict[str, float]:
        args, name = self.args, f"bench-{uuid.uuid4().hex[:8]}"
        for host in self.plans:
            # Each host has its own settings, as separate machines would.
            host_settings = {
                "BASE_URL": server.base_url,
                "ENDPOINT": name,
                "TIMEOUT": 30.0,
                "MAX_CONCURRENCY": per_process,
                "SHARED_MAX_CONCURRENCY": args.limit,
                "LIMITER_REDIS_URL": args.redis if shared else None,
            }
            for plans in host:
                plans.put((host_settings, calls))
        server.reset_peak()
        self.start.wait()  # every process is ready: the clock starts now
        outcomes = [self.results.get(timeout=300) for _ in self.processes]
        elapsed = max(o[1] for o in outcomes) - min(o[0] for o in outcomes)
        done = sum(o[2] for o in outcomes)
        return {
            "peak": server.peak_in_flight,
            "done": done,
            "busy": sum(o[3] for o in outcomes),
            "elapsed": elapsed,
            "rate": done / elapsed,
            "ratio": done / elapsed / (args.limit / args.latency),
        }

    def stop(self) -> None:
        for host in self.plans:
            for plans in host:
                plans.put(None)
        for process in self.processes:
            process.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=16, help="calls the endpoint takes at once")
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--calls", type=int, default=120, help="calls per process and run")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each kind, interleaved")
    parser.add_argument("--hosts", type=int, default=2)
    parser.add_argument("--processes-per-host", type=int, default=2)
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"))
    args = parser.parse_args()

    processes = args.hosts * args.processes_per_host
    per_host = max(1, args.limit // args.processes_per_host)
    split = max(1, args.limit // processes)
    kinds = [
        (f"shared limiter, local cap {per_host}", True, per_host),
        (f"local cap {per_host} only", False, per_host),
        (f"local cap {split} only (static split)", False, split),
    ]
    runs: dict[str, list[dict[str, float]]] = {label: [] for label, _, _ in kinds}
    fleet = Fleet(args)
    try:
        with FakeLLMServer(latency=args.latency) as server:
            # An unmeasured round first, as a long-lived worker would have done: its imports
            # (redis, httpx), the Lua scripts loaded in Redis, the first connections.
            for _label, shared, per_process in kinds:
                fleet.run(server, shared, per_process, args.limit)
            for _ in range(args.rounds):
                for label, shared, per_process in kinds:
                    runs[label].append(fleet.run(server, shared, per_process, args.calls))
    finally:
        fleet.stop()
    # The highest peak of all rounds, beside the fastest round: other load on the machine only
    # ever slows a run down.
    rows = [
        (label, max(r["peak"] for r in runs[label]), max(runs[label], key=lambda r: r["rate"]))
        for label, _, _ in kinds
    ]
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"{processes} processes on {args.hosts} hosts, {args.calls} calls each; endpoint limit "
        f"{args.limit}, latency {args.latency * 1000:.0f} ms, ideal {args.limit / args.latency:.0f}"
        f" calls/s; best of {args.rounds} rounds; load average {load} on {os.cpu_count()} cores"
    )
    print()
    split_rate = rows[2][2]["rate"]
    print("| run | peak in flight | calls | busy | seconds | calls/s | of ideal | of split |")
    print("|---|---|---|---|---|---|---|---|")
    for label, peak, row in rows:
        print(
            f"| {label} | {peak:.0f} | {row['done']:.0f} | {row['busy']:.0f} "
            f"| {row['elapsed']:.2f} | {row['rate']:.1f} | {row['ratio']:.2f} "
            f"| {row['rate'] / split_rate:.2f} |"
        )
    _label, peak, shared_row = rows[0]
    verdict = "ok" if peak <= args.limit and shared_row["ratio"] >= 0.9 else "MISSED"
    print(f"\nshared limiter: peak <= {args.limit} and >= 0.9 of ideal: {verdict}")


if __name__ == "__main__":
    main()
