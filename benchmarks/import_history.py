"""History import: ``llmshop_import_history``'s order import on 100k synthetic orders.

Builds a shop (2,000 products, 20,000 customers, 100k orders of 1 to 5 lines at ``--scale 1``),
then imports the orders as shopper events through the adapter, as the command does, and prints
the time, events per second and the peak Python memory of the import (tracemalloc, in a second
run of the same import, since tracing slows it down). The baseline, measured in the same run:
a naive import that creates one event per order line with ``ShopperEvent.objects.create`` on
a 5k-order subset, against the batched import of the same subset. A second import of
everything shows that a re-run adds nothing, and what it costs.

    python benchmarks/import_history.py [--scale 1.0] [--batch-size 1000] [--postgres]

SQLite runs on a file (/tmp/llmshop_import_bench.sqlite3); with ``--postgres`` the same is run
again on PostgreSQL (``LLMSHOP_BENCH_POSTGRES_URL``, default the local server) when it answers,
in Django's test database of that URL (``test_<name>``), created and dropped by the run.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("LLMSHOP_TEST_SQLITE", "/tmp/llmshop_import_bench.sqlite3")
POSTGRES_URL = os.environ.get(
    "LLMSHOP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/llmshop_import_bench"
)
SUBSET = 5000


def build_shop(n_orders: int, seed: int) -> int:
    """Products, customers and orders in bulk; how many order lines were written."""
    import random

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from shop.models import Category, Order, OrderItem, Product

    rng = random.Random(seed)
    n_products = max(50, n_orders // 50)
    n_users = max(10, n_orders // 5)
    categories = Category.objects.bulk_create(
        Category(name=f"Category {c}", slug=f"category-{c}") for c in range(20)
    )
    Product.objects.bulk_create(
        (
            Product(category=categories[i % 20], name=f"Product {i}", slug=f"p-{i}",
                    sku=f"SKU-{i}", price=Decimal("10.00"), stock=5)
            for i in range(n_products)
        ),
        batch_size=2000,
    )  # fmt: skip
    products = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    User = get_user_model()
    User.objects.bulk_create(
        (User(username=f"customer{i}", password="!") for i in range(n_users)), batch_size=5000
    )
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    start = timezone.now() - timedelta(days=3 * 365)
    lines = 0
    for first in range(0, n_orders, 5000):
        count = min(5000, n_orders - first)
        orders = Order.objects.bulk_create(
            Order(user_id=rng.choice(users), number=f"N{first + i}", status="delivered",
                  placed_at=start + timedelta(minutes=15 * (first + i)), shipping_address="-")
            for i in range(count)
        )  # fmt: skip
        items = []
        for order in orders:
            # A popularity skew: low product numbers sell more.
            for _ in range(rng.randint(1, 5)):
                product = products[min(int(rng.paretovariate(1.2)) - 1, len(products) - 1)]
                items.append(OrderItem(order_id=order.pk, product_id=product, unit_price=1))
        OrderItem.objects.bulk_create(items, batch_size=5000)
        lines += len(items)
    return lines


def naive_import(n_orders: int) -> int:
    """The baseline: one ``create`` per order line, each in its own transaction."""
    from django_llmshop.recommend.history import order_source
    from django_llmshop.recommend.models import ShopperEvent
    from shop.models import Order

    created = 0
    for order in Order.objects.order_by("pk")[:n_orders]:
        for item in order.items.all():
            key = order_source(order.pk, item.product_id)
            if ShopperEvent.objects.filter(source=key).exclude(source="").exists():
                continue
            ShopperEvent.objects.create(
                user_id=order.user_id, product_id=str(item.product_id), type="purchase",
                created=order.placed_at, source=key,
            )  # fmt: skip
            created += 1
    return created


class SubsetAdapter:
    """The shop's adapter, reading only the first ``limit`` orders (for the baseline subset)."""

    def __init__(self, adapter: Any, limit: int) -> None:
        self.adapter, self.limit = adapter, limit

    def order_history(self, since: Any = None, batch_size: int = 1000) -> Any:
        left = self.limit
        for batch in self.adapter.order_history(since=since, batch_size=min(batch_size, left)):
            yield batch[:left]
            left -= len(batch[:left])
            if left <= 0:
                return


def timed(function: Any, *args: Any, trace: bool = False) -> tuple[Any, float, float]:
    """``(result, seconds, peak MiB traced)``."""
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - started
    peak = 0.0
    if trace:
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result, seconds, peak


def run(scale: float, batch_size: int, seed: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from django_llmshop.adapters import get_adapter
    from django_llmshop.recommend.history import import_orders
    from django_llmshop.recommend.models import ShopperEvent

    if connection.vendor == "sqlite":
        Path(os.environ["LLMSHOP_TEST_SQLITE"]).unlink(missing_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        n_orders = int(100_000 * scale)
        (lines, built, _) = timed(build_shop, n_orders, seed)
        print(f"database: {connection.vendor}; {n_orders:,} orders with {lines:,} lines built "
              f"in {built:.1f} s")  # fmt: skip
        adapter = get_adapter()
        subset = min(SUBSET, n_orders)

        naive, naive_s, _ = timed(naive_import, subset)
        ShopperEvent.objects.all().delete()
        part, part_s, part_peak = timed(
            import_orders, SubsetAdapter(adapter, subset), None, batch_size, trace=True
        )
        ShopperEvent.objects.all().delete()
        part, part_s, _ = timed(import_orders, SubsetAdapter(adapter, subset), None, batch_size)
        assert part.added == naive, (part.added, naive)
        ShopperEvent.objects.all().delete()

        full, full_s, _ = timed(import_orders, adapter, None, batch_size)
        again, again_s, _ = timed(import_orders, adapter, None, batch_size)
        stored = ShopperEvent.objects.count()
        ShopperEvent.objects.all().delete()
        _, _, full_peak = timed(import_orders, adapter, None, batch_size, trace=True)

        print(f"baseline, {subset:,} orders, one create per line: {naive:,} events in "
              f"{naive_s:.1f} s = {naive / naive_s:,.0f} events/s")  # fmt: skip
        print(f"batched,  {subset:,} orders (batch {batch_size}): {part.added:,} events in "
              f"{part_s:.2f} s = {part.added / part_s:,.0f} events/s; "
              f"{(part.added / part_s) / (naive / naive_s):.1f}x the baseline; "
              f"peak traced memory {part_peak:.1f} MiB")  # fmt: skip
        print(f"batched, {full.read:,} orders: {full.added:,} events in {full_s:.1f} s = "
              f"{full.added / full_s:,.0f} events/s, {full.read / full_s:,.0f} orders/s; "
              f"peak traced memory {full_peak:.1f} MiB "
              f"({full_peak / max(part_peak, 1e-9):.2f}x the {subset:,}-order one's)")  # fmt: skip
        print(f"re-run: {again.read:,} orders read, {again.added} events added "
              f"({stored:,} stored) in {again_s:.1f} s")  # fmt: skip
        print(
            f"process peak RSS (building included): "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def postgres_answers(url: str) -> bool:
    import psycopg

    base = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(base, connect_timeout=3).close()
    except psycopg.OperationalError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100k orders")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--postgres", action="store_true", help="run again on PostgreSQL")
    args = parser.parse_args()
    run(args.scale, args.batch_size, args.seed)
    if args.postgres and "DATABASE_URL" not in os.environ:
        if not postgres_answers(POSTGRES_URL):
            print(f"PostgreSQL at {POSTGRES_URL} does not answer: skipped")
            return
        argv = [sys.executable, __file__, "--scale", str(args.scale),
                "--batch-size", str(args.batch_size), "--seed", str(args.seed)]  # fmt: skip
        subprocess.run(argv, env={**os.environ, "DATABASE_URL": POSTGRES_URL}, check=True)


if __name__ == "__main__":
    main()
