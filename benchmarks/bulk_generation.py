"""Bulk generation throughput: a job of N products through a real Celery worker, in one run.

The fake endpoint answers every call after LATENCY seconds and counts how many calls are in
flight at once. The endpoint takes CONCURRENCY calls at once; MAX_CONCURRENCY is a per-process
limit, so each of the worker's processes gets CONCURRENCY / PROCESSES of it. The ideal rate is
CONCURRENCY / LATENCY calls per second; the job's rate is
printed against it, beside a naive baseline measured in the same run: the same job with one
call per task (chunk size 1), which a prefork worker with 2 processes can only run 2 at a time.

    python benchmarks/bulk_generation.py [--products 500] [--baseline-products 60]

Uses Redis as the broker when CELERY_BROKER_URL is set, else kombu's filesystem transport, and a
temporary SQLite database unless DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=500)
    parser.add_argument("--baseline-products", type=int, default=60)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=16,
        help="calls the endpoint takes at once, split over the processes",
    )
    parser.add_argument("--processes", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    from django_llmshop.testing import FakeLLMServer, Reply

    workdir = Path(tempfile.mkdtemp(prefix="llmshop-bench-"))
    server = FakeLLMServer(latency=args.latency).start()
    server.default = Reply.text(
        json.dumps({"seo_title": "Trail Bottle | Shop", "seo_description": "Steel, 750 ml."})
    )
    os.environ.update(
        DJANGO_SETTINGS_MODULE="benchmarks.settings",
        LLMSHOP_BASE_URL=server.base_url,
        LLMSHOP_MAX_CONCURRENCY=str(max(1, args.concurrency // args.processes)),
        LLMSHOP_CELERY_EAGER="0",
    )
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django_llmshop.content.models import Draft, GenerationJob
    from django_llmshop.content.services import start_job
    from shop.models import Category, Product
    from tests.worker import worker_process

    category = Category.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    products = [
        Product(
            category=category,
            name=f"Bottle {n}",
            slug=f"bench-{category.pk}-{n}",
            sku=f"B{category.pk}-{n}",
            price=10,
            attributes={"capacity": "750 ml"},
        )
        for n in range(args.products)
    ]
    Product.objects.bulk_create(products)
    ids = list(Product.objects.filter(category=category).values_list("pk", flat=True))

    def run(count: int, chunk_size: int | None) -> tuple[float, int, int]:
        started = time.perf_counter()
        job = start_job("seo", ids[:count], {}, chunk_size=chunk_size)
        while True:
            job.refresh_from_db()
            if job.finished:
                break
            if time.perf_counter() - started > 900:
                raise SystemExit(f"job {job.pk} did not finish: {job.done}/{job.total}")
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        drafts = Draft.objects.filter(job=job).count()
        return elapsed, job.done, drafts

    ideal = args.concurrency / args.latency
    with worker_process(workdir, concurrency=args.processes, settings_module="benchmarks.settings"):
        run(min(20, args.products), None)  # warm the worker up
        server.reset_peak()
        batched, done, drafts = run(args.products, None)
        peak = server.peak_in_flight
        server.reset_peak()
        naive, naive_done, _ = run(min(args.baseline_products, args.products), 1)
        naive_peak = server.peak_in_flight
    server.stop()
    rate = done / batched
    naive_rate = naive_done / naive
    print(
        f"endpoint latency {args.latency * 1000:.0f} ms, {args.concurrency} calls at once "
        f"(MAX_CONCURRENCY {args.concurrency // args.processes} per process × "
        f"{args.processes} prefork processes), broker "
        f"{os.environ.get('CELERY_BROKER_URL', 'filesystem').split(':')[0]}, database "
        f"{os.environ['DATABASE_URL'].split(':')[0]}"
    )
    print(f"ideal (endpoint-bound): {ideal:.1f} items/s")
    print(
        f"{'run':<28}{'items':>7}{'seconds':>9}{'items/s':>9}{'ratio to ideal':>16}"
        f"{'peak in flight':>16}"
    )
    print(
        f"{'chunked async batches':<28}{done:>7}{batched:>9.2f}{rate:>9.1f}"
        f"{rate / ideal:>16.3f}{peak:>16}"
    )
    print(
        f"{'naive (1 call per task)':<28}{naive_done:>7}{naive:>9.2f}{naive_rate:>9.1f}"
        f"{naive_rate / ideal:>16.3f}{naive_peak:>16}"
    )
    print(
        f"drafts made: {drafts} for {args.products} products (exactly one each: "
        f"{drafts == args.products}); chunked / naive speed-up {rate / naive_rate:.1f}×"
    )
    GenerationJob.objects.all().delete()


if __name__ == "__main__":
    main()
