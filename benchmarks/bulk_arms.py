"""One arm of the bulk generation benchmark: a worker, a warm-up, then the measured job."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Count, Max, Sum

from benchmarks.bulk_endpoint import EndpointShape, endpoint_process
from django_llmshop.content.models import Draft, GenerationJob
from django_llmshop.content.services import start_job
from django_llmshop.models import LLMCall
from shop.models import Category, Product
from tests.worker import worker_process

SETTINGS = "benchmarks.bulk_settings"


@dataclass(frozen=True)
class Arm:
    """How an arm runs the job: the worker's pool, its size, and the items per task."""

    name: str
    pool: str
    size: int
    max_concurrency: int
    chunk_size: int | None  # None: the package's own chunking


def make_products(count: int) -> list[Any]:
    category = Category.objects.create(name="Bench", slug=f"bench-{time.time_ns()}")
    Product.objects.bulk_create(
        Product(
            category=category,
            name=f"Bottle {n}",
            slug=f"bench-{category.pk}-{n}",
            sku=f"B{category.pk}-{n}",
            price=10,
            attributes={"capacity": "750 ml"},
        )
        for n in range(count)
    )
    return list(Product.objects.filter(category=category).values_list("pk", flat=True))


def run_job(ids: list[Any], chunk_size: int | None) -> tuple[GenerationJob, float]:
    started = time.perf_counter()
    job = start_job("seo", ids, {}, chunk_size=chunk_size)
    while True:
        job.refresh_from_db()
        if job.finished:
            return job, time.perf_counter() - started
        if time.perf_counter() - started > 1800:
            raise SystemExit(f"job {job.pk} did not finish: {job.done}/{job.total}")
        time.sleep(0.1)


def run_arm(
    arm: Arm, ids: list[Any], shape: EndpointShape, port: int, workdir: Path, warmup: int
) -> dict[str, Any]:
    queue = f"bulkbench-{uuid.uuid4().hex[:8]}"
    env = {"LLMSHOP_MAX_CONCURRENCY": str(arm.max_concurrency)}
    stats: dict[str, Any] = {}
    with worker_process(
        workdir / arm.name,
        pool=arm.pool,
        concurrency=arm.size,
        queues=queue,
        default_queue=queue,
        env=env,
        settings_module=SETTINGS,
    ):
        with endpoint_process(shape, port, {}):
            run_job(ids[:warmup], arm.chunk_size)
        mark = LLMCall.objects.aggregate(last=Max("pk"))["last"] or 0
        with endpoint_process(shape, port, stats):
            job, seconds = run_job(ids, arm.chunk_size)
    return measure(arm, job, seconds, ids, mark, stats, shape.limit)


def measure(
    arm: Arm,
    job: GenerationJob,
    seconds: float,
    ids: list[Any],
    mark: int,
    stats: dict[str, Any],
    limit: int,
) -> dict[str, Any]:
    drafts = Draft.objects.filter(job=job)
    counted = drafts.values("product_id").annotate(n=Count("id"))
    per_product = {row["product_id"]: row["n"] for row in counted}
    one_each = set(per_product) == {str(pk) for pk in ids} and set(per_product.values()) == {1}
    ok = drafts.filter(status=Draft.Status.READY).count()
    calls = LLMCall.objects.filter(pk__gt=mark)
    failures = calls.filter(status=LLMCall.Status.ERROR).values("error_class")
    errors = {row["error_class"]: row["n"] for row in failures.annotate(n=Count("id"))}
    return {
        "arm": arm.name,
        "ok": ok,
        "failed": drafts.filter(status=Draft.Status.FAILED).count(),
        "seconds": seconds,
        "rate": ok / seconds,
        "capacity": limit / stats["mean_latency"],
        "rejected": stats["rejected"],
        "retries": calls.aggregate(n=Sum("retries"))["n"] or 0,
        "calls": stats["answered"] + stats["rejected"],
        "peak": stats["peak_in_flight"],
        "mean_latency": stats["mean_latency"],
        "one_each": f"{one_each} ({drafts.count()} drafts, {len(per_product)} products)",
        "errors": dict(errors),
    }
