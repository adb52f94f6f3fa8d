"""A worker killed with SIGKILL in the middle of a job: after a restart the job completes, and
every product has exactly one draft (the redelivered chunk finds the drafts already made).

On Redis and on RabbitMQ, the two brokers whose redelivery of a dead worker's messages differs
(a visibility timeout; the closed connection)."""

from __future__ import annotations

import os
import signal
from decimal import Decimal

import pytest

from django_llmshop.content.models import Draft
from django_llmshop.content.services import start_job
from shop.models import Category, Product
from tests.conftest import missing_service
from tests.worker import (
    BROKERS,
    database_url,
    own_queues,
    real_broker,
    redelivery_options,
    wait_for,
    worker_process,
)

pytestmark = pytest.mark.slow


@pytest.fixture
def fifty_products(transactional_db):
    category = Category.objects.create(name="Bottles", slug="bottles")
    return Product.objects.bulk_create(
        Product(
            category=category,
            name=f"Bottle {n}",
            slug=f"bottle-{n}",
            sku=f"B-{n}",
            price=Decimal("20.00"),
            attributes={"capacity": "750 ml"},
        )
        for n in range(50)
    )


@pytest.mark.parametrize("broker_kind", BROKERS)
def test_kill_9_mid_job_then_restart_completes_with_one_draft_each(
    fifty_products, model, tmp_path, transactional_db, broker_kind
):
    broker = real_broker(broker_kind)
    if database_url() is None:
        missing_service("a worker needs a file or server database")
    model.latency = 0.4
    options = redelivery_options(broker)
    env = {"LLMSHOP_TEST_FAKE_URL": model.base_url}
    ids = [p.pk for p in Product.objects.order_by("pk")]

    with own_queues(broker, "llmshop-content") as (queue,):
        run = {
            "env": env,
            "settings_module": "tests.worker_settings",
            "broker": broker,
            "transport_options": options,
            "queues": queue,
            "default_queue": queue,
        }
        with worker_process(tmp_path / "first", **run) as first:
            job = start_job("seo", ids)
            wait_for(lambda: Draft.objects.filter(job=job, status="ready").count() >= 5)
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
        job.refresh_from_db()
        ready_at_kill = Draft.objects.filter(job=job, status="ready").count()
        assert not job.finished and ready_at_kill < 50

        with worker_process(tmp_path / "second", **run):

            def finished():
                job.refresh_from_db()
                return job.finished

            wait_for(finished, timeout=120)

    assert (job.status, job.total, job.done, job.failed) == ("done", 50, 50, 0)
    per_product = {}
    for draft in Draft.objects.filter(job=job):
        per_product[draft.product_id] = per_product.get(draft.product_id, 0) + 1
    assert per_product == {str(pk): 1 for pk in ids}
    assert ready_at_kill >= 5
