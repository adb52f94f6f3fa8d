"""Bulk generation throughput: a job of N items through real Celery workers, against a naive
baseline with the same in-flight budget, both measured against the endpoint's real capacity.

The fake endpoint runs in its own process. It answers at most LIMIT calls at once and refuses
any call beyond that with 429 and Retry-After (it does not queue them). Its waits are lognormal
with mean LATENCY and spread SIGMA (1 gives a long tail: one call in a hundred takes more than
6 × the mean), drawn from SEED, so runs repeat. Its capacity is LIMIT / the mean latency it
actually served, in calls per second; each arm's rate of finished items is set against it.

- package: the job as the package runs it, chunks of many items on a prefork worker of
  PROCESSES processes, each process with MAX_CONCURRENCY = LIMIT / PROCESSES calls in flight;
- naive: the same job with one item (one call) per task, on a worker with a pool of LIMIT
  threads, so it has the same LIMIT calls in flight at most.

Both arms run with the package's default retry policy (MAX_RETRIES 2, Retry-After honoured).
--in-flight BUDGET gives both arms a budget other than LIMIT: above LIMIT, to see how they
take the endpoint's refusals. Each arm warms its worker up on a few items, then runs the
measured job against a fresh endpoint process with the same seed.

    python benchmarks/bulk_generation.py [--items 2000] [--limit 16] [--latency 0.3]
        [--sigma 1.0] [--processes 2]

Uses Redis as the broker when CELERY_BROKER_URL is set (on a queue of its own), else kombu's
filesystem transport. With a PostgreSQL DATABASE_URL it creates a database of its own on that
server and drops it afterwards; else a temporary SQLite database.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bulk_endpoint import (  # noqa: E402
    EndpointShape,
    free_port,
    own_database,
)

SETTINGS = "benchmarks.bulk_settings"
REPLY = json.dumps({"seo_title": "Trail Bottle | Shop", "seo_description": "Steel, 750 ml."})


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000, help="products in the measured job")
    parser.add_argument("--limit", type=int, default=16, help="calls the endpoint takes at once")
    parser.add_argument("--latency", type=float, default=0.3, help="mean seconds per call")
    parser.add_argument("--sigma", type=float, default=1.0, help="lognormal spread of latency")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--retry-after", type=float, default=1.0, help="seconds a 429 asks for")
    parser.add_argument("--processes", type=int, default=2, help="package worker processes")
    parser.add_argument(
        "--in-flight",
        type=int,
        help="calls each arm may have in flight (default: --limit); above it, the endpoint "
        "refuses calls with 429",
    )
    parser.add_argument(
        "--chunk-size", type=int, help="items per package task (default: the package's own)"
    )
    parser.add_argument("--warmup", type=int, default=40, help="items to warm each worker up")
    parser.add_argument("--arms", default="package,naive", help="which arms to run, in order")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="llmshop-bench-"))
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres", "postgresql")):
        with own_database(url) as db_url:
            run_benchmark(args, workdir, db_url)
    else:
        run_benchmark(args, workdir, f"sqlite:///{workdir / 'bench.sqlite3'}")


def run_benchmark(args: argparse.Namespace, workdir: Path, db_url: str) -> None:
    port = free_port()
    budget = args.in_flight or args.limit
    per_process = max(1, budget // args.processes)
    os.environ.update(
        DJANGO_SETTINGS_MODULE=SETTINGS,
        DATABASE_URL=db_url,
        LLMSHOP_BASE_URL=f"http://127.0.0.1:{port}/v1",
        LLMSHOP_MAX_CONCURRENCY=str(per_process),
        LLMSHOP_CELERY_EAGER="0",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benchmarks.bulk_arms import Arm, make_products, run_arm

    ids = make_products(args.items)
    shape = EndpointShape(args.limit, args.latency, args.sigma, args.seed, args.retry_after, REPLY)
    arms = {
        "package": Arm("package", "prefork", args.processes, per_process, args.chunk_size),
        "naive": Arm("naive", "threads", budget, budget, 1),
    }
    load_before, started = os.getloadavg(), time.gmtime()
    results = [
        run_arm(arms[name.strip()], ids, shape, port, workdir, args.warmup)
        for name in args.arms.split(",")
    ]
    load_after = os.getloadavg()
    broker = os.environ.get("CELERY_BROKER_URL", "filesystem").split(":")[0]
    print(
        f"started {time.strftime('%Y-%m-%d %H:%M UTC', started)}, {os.cpu_count()} cores, "
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after; broker {broker}, "
        f"database {db_url.split(':')[0]}"
    )
    print(
        f"endpoint: {args.limit} calls at once (429 above), latency lognormal mean "
        f"{args.latency * 1000:.0f} ms sigma {args.sigma}, seed {args.seed}; "
        f"{args.items} items; package {args.processes} prefork processes × MAX_CONCURRENCY "
        f"{per_process}; naive {budget} threads, one call per task"
    )
    report(results)


#: The table's columns: heading, width, and the cell of one arm's result.
COLUMNS: list[tuple[str, int, Any]] = [
    ("arm", -9, lambda r: r["arm"]),
    ("ok", 6, lambda r: r["ok"]),
    ("failed", 7, lambda r: r["failed"]),
    ("seconds", 9, lambda r: f"{r['seconds']:.1f}"),
    ("items/s", 9, lambda r: f"{r['rate']:.1f}"),
    ("capacity", 9, lambda r: f"{r['capacity']:.1f}"),
    ("of cap.", 8, lambda r: f"{r['rate'] / r['capacity']:.2f}"),
    ("calls", 7, lambda r: r["calls"]),
    ("429s", 6, lambda r: r["rejected"]),
    ("retries", 8, lambda r: r["retries"]),
    ("peak", 6, lambda r: r["peak"]),
    ("served ms", 10, lambda r: f"{r['mean_latency'] * 1000:.0f}"),
    ("  one draft each", -1, lambda r: f"  {r['one_each']}"),
]


def report(results: list[dict[str, Any]]) -> None:
    def line(cells: list[Any]) -> str:
        return "".join(
            f"{cell!s:<{-width}}" if width < 0 else f"{cell!s:>{width}}"
            for cell, (_, width, _) in zip(cells, COLUMNS, strict=True)
        )

    print(line([heading for heading, _, _ in COLUMNS]))
    for r in results:
        print(line([cell(r) for _, _, cell in COLUMNS]))
        if r["errors"]:
            print(f"  {r['arm']} call errors: {r['errors']}")
    by_arm = {r["arm"]: r for r in results}
    if {"package", "naive"} <= by_arm.keys():
        package, naive = by_arm["package"], by_arm["naive"]
        print(
            f"package / naive: {package['rate'] / naive['rate']:.2f}×; package / capacity "
            f"{package['rate'] / package['capacity']:.2f}, naive / capacity "
            f"{naive['rate'] / naive['capacity']:.2f}"
        )


if __name__ == "__main__":
    main()
