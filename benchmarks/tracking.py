"""Recommendation tracking: what recording impressions and clicks adds to a page view.

Serves the recommendations block through Django's whole request stack (the test client) with
tracking off and on, in alternating rounds of the same run, on a shop whose tracking table
already holds ``--rows`` rows; then times a click's ping against a block view, and the
dashboard's recommendation figures over the table. Prints ratios against the untracked view.

    python benchmarks/tracking.py [--views 400] [--rows 200000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/llmshop_bench python benchmarks/tracking.py

SQLite runs on a file (/tmp/llmshop_bench_tracking.sqlite3); on PostgreSQL the database is
Django's test database of DATABASE_URL (``test_<name>``), created and dropped by the run.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("LLMSHOP_TEST_SQLITE", "/tmp/llmshop_bench_tracking.sqlite3")


def build_shop(n_products: int, n_shoppers: int, rows: int) -> list[Any]:
    """Products, shoppers walking them in order (so the model has neighbours), and ``rows``
    old tracking rows spread over the last 30 days."""
    from django.utils import timezone

    from django_llmshop.recommend.models import ShopperEvent, TrackingEvent
    from shop.models import Category, Product

    category = Category.objects.create(name="Bench", slug="bench")
    products = Product.objects.bulk_create(
        Product(category=category, name=f"Item {n}", slug=f"item-{n}", sku=f"IT-{n}",
                price=Decimal("10.00"), stock=10, description="An item.")
        for n in range(n_products)
    )  # fmt: skip
    now = timezone.now()
    ShopperEvent.objects.bulk_create(
        (
            ShopperEvent(session_key=f"s{s}", product_id=str(products[(s + k) % n_products].pk),
                         type="view", created=now - timedelta(minutes=k))
            for s in range(n_shoppers)
            for k in range(5)
        ),
        batch_size=5000,
    )  # fmt: skip
    TrackingEvent.objects.bulk_create(
        (
            TrackingEvent(kind="click" if n % 20 == 0 else "impression", view=f"old{n:013d}",
                          placement="product", model_version="model-1", arm="",
                          product_id=str(products[n % n_products].pk), session_key=f"s{n % 97}",
                          created=now - timedelta(seconds=n * 30 * 86400 // max(rows, 1)))
            for n in range(rows)
        ),
        batch_size=5000,
    )  # fmt: skip
    return products


def timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=400, help="block views per arm")
    parser.add_argument("--rows", type=int, default=200_000, help="tracking rows already there")
    parser.add_argument("--products", type=int, default=500)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from django_llmshop.conf import llmshop_settings
    from django_llmshop.dashboard.forms import bounds, default_range
    from django_llmshop.recommend import metrics
    from django_llmshop.recommend.models import TrackingEvent
    from django_llmshop.recommend.training import train

    setup_test_environment()
    if connection.vendor == "sqlite":
        Path(os.environ["LLMSHOP_TEST_SQLITE"]).unlink(missing_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        began = time.perf_counter()
        products = build_shop(args.products, 2000, args.rows)
        train()
        print(f"database: {connection.vendor}; {args.products} products, {args.rows} tracking "
              f"rows, built and trained in {time.perf_counter() - began:.1f} s")  # fmt: skip

        def use_tracking(on: bool) -> None:
            settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_TRACKING": on}
            llmshop_settings.reload()

        clients = [Client() for _ in range(50)]  # shoppers with their own sessions
        warm_up = 2 * len(clients)  # each shopper's first (session-making) views excluded
        latencies: dict[bool, list[float]] = {False: [], True: []}
        queries: dict[bool, int] = {}
        last_body = ""
        for i in range(args.views + warm_up):
            for on in (False, True) if i % 2 else (True, False):  # alternate the order
                use_tracking(on)
                client = clients[i % len(clients)]
                url = (
                    f"/llmshop/api/recommendations/block/?limit=4&product_id={products[i % 50].pk}"
                )
                with CaptureQueriesContext(connection) as captured:
                    took = timed(lambda c=client, u=url: c.get(u))
                if i >= warm_up:
                    latencies[on].append(took)
                    queries[on] = len(captured)
                if on:
                    last_body = client.get(url).content.decode()
        off, on = statistics.median(latencies[False]), statistics.median(latencies[True])
        print(f"block view, tracking off: median {off:6.2f} ms ({queries[False]} queries)")
        print(f"block view, tracking on:  median {on:6.2f} ms ({queries[True]} queries)")
        print(f"tracking's added cost per page view: {on - off:+.2f} ms, "
              f"ratio on/off {on / off:.3f}")  # fmt: skip

        pings = [p.replace("&amp;", "&") for p in re.findall(r'ping="([^"]+)"', last_body)]
        clicks = [timed(lambda p=p: Client().post(p)) for p in pings * 25]
        click = statistics.median(clicks)
        print(f"click ping: median {click:6.2f} ms, ratio to an untracked block view "
              f"{click / off:.3f}")  # fmt: skip

        start, end = bounds(*default_range())
        total = TrackingEvent.objects.count()
        figures = [timed(lambda: metrics.by_placement_and_version(start, end)) for _ in range(3)]
        figure = statistics.median(figures)
        print(f"dashboard figures over {total} rows: median {figure:.0f} ms, "
              f"ratio to an untracked block view {figure / off:.1f}")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
