"""Recommendation serving: training time and ``recommend_for`` latency on a synthetic shop.

Builds products in bulk (100k at ``--scale 1``) and synthetic shopper events (1M) with a
popularity skew (Zipf) and sequential structure (shoppers often go on to the next product of
the same category), trains, then times ``recommend_for`` without the model step for shoppers
with and without history, with and without a viewed product.

    python benchmarks/recommend_serving.py [--scale 1.0] [--queries 1000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/llmshop_bench python benchmarks/...

SQLite runs on a file (/tmp/llmshop_bench.sqlite3); on PostgreSQL the database is Django's test
database of DATABASE_URL (``test_<name>``), created and dropped by the run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("LLMSHOP_TEST_SQLITE", "/tmp/llmshop_bench.sqlite3")

WORDS = [
    "steel",
    "bamboo",
    "linen",
    "cotton",
    "ceramic",
    "glass",
    "oak",
    "walnut",
    "leather",
    "wool",
    "copper",
    "cast",
    "iron",
    "matte",
    "insulated",
    "compact",
    "travel",
    "classic",
    "deluxe",
    "everyday",
    "heavy",
    "light",
    "slim",
    "large",
    "small",
    "round",
    "square",
    "bottle",
    "mug",
    "knife",
    "pan",
    "bag",
    "lamp",
    "candle",
    "notebook",
    "pen",
    "towel",
    "blanket",
    "soap",
    "cream",
    "brush",
    "board",
]
TYPES = np.array(["view", "cart", "purchase", "wishlist"])
TYPE_SHARES = [0.80, 0.12, 0.05, 0.03]


def build_catalog(n_products: int, n_categories: int, rng: np.random.Generator) -> list[str]:
    from decimal import Decimal

    from shop.models import Category, Product

    categories = Category.objects.bulk_create(
        Category(name=f"Category {c}", slug=f"category-{c}") for c in range(n_categories)
    )
    batch = []
    for i in range(n_products):
        words = rng.choice(len(WORDS), 6)
        batch.append(
            Product(
                category=categories[i * n_categories // n_products],
                name=f"{WORDS[words[0]].title()} {WORDS[words[1]]} {i}",
                slug=f"p-{i}",
                sku=f"SKU-{i}",
                price=Decimal("10.00"),
                stock=5,
                description=" ".join(WORDS[w] for w in words[2:]),
                is_active=bool(rng.random() > 0.02),
            )
        )
        if len(batch) == 5000:
            Product.objects.bulk_create(batch)
            batch = []
    Product.objects.bulk_create(batch)
    return [str(pk) for pk in Product.objects.order_by("pk").values_list("pk", flat=True)]


def build_events(product_ids: list[str], n_events: int, rng: np.random.Generator) -> int:
    """Sessions of ~10 events: a Zipf-drawn start, then mostly the next product in line."""
    from django.db import connection, transaction
    from django.utils import timezone

    from django_llmshop.recommend.models import ShopperEvent

    n = len(product_ids)
    ranks = rng.permutation(n)  # which product is the r-th most popular
    start = timezone.now() - timedelta(days=30)
    table = connection.ops.quote_name(ShopperEvent._meta.db_table)
    sql = f"INSERT INTO {table} (session_key, product_id, type, created) VALUES (%s, %s, %s, %s)"
    written, shopper = 0, 0
    with connection.cursor() as cursor:
        while written < n_events:
            rows = []
            for _ in range(1000):
                length = int(rng.integers(3, 18))
                item = ranks[min(int(rng.zipf(1.3)) - 1, n - 1)]
                kinds = rng.choice(TYPES, length, p=TYPE_SHARES)
                when = start + timedelta(seconds=int(rng.integers(0, 30 * 86400)))
                for step in range(length):
                    rows.append(
                        (f"s{shopper}", product_ids[item], str(kinds[step]),
                         when + timedelta(seconds=30 * step))
                    )  # fmt: skip
                    if rng.random() < 0.6:
                        item = (item + 1) % n
                    else:
                        item = ranks[min(int(rng.zipf(1.3)) - 1, n - 1)]
                shopper += 1
            rows = rows[: n_events - written]
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(
                    f"COPY {table} (session_key, product_id, type, created) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                with transaction.atomic():
                    cursor.executemany(sql, rows)
            written += len(rows)
    return shopper


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100k products, 1M events")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from django_llmshop.recommend.services import recommend_for
    from django_llmshop.recommend.training import train

    if connection.vendor == "sqlite":
        Path(os.environ["LLMSHOP_TEST_SQLITE"]).unlink(missing_ok=True)
    old_name = connection.creation.create_test_db(verbosity=0, serialize=False)
    try:
        rng = np.random.default_rng(args.seed)
        n_products, n_events = int(100_000 * args.scale), int(1_000_000 * args.scale)
        began = time.perf_counter()
        product_ids = build_catalog(n_products, 50, rng)
        built_products = time.perf_counter() - began
        began = time.perf_counter()
        shoppers = build_events(product_ids, n_events, rng)
        built_events = time.perf_counter() - began
        print(f"database: {connection.vendor}; {n_products} products in {built_products:.1f} s, "
              f"{n_events} events of {shoppers} shoppers in {built_events:.1f} s")  # fmt: skip

        model = train()
        print(f"training: {model.seconds:.1f} s ({model.items} items, "
              f"{model.neighbours} neighbour rows)")  # fmt: skip

        cases = {
            "history": lambda i: (f"s{i % shoppers}", None),
            "history + viewed product": lambda i: (
                f"s{i % shoppers}",
                product_ids[int(rng.integers(len(product_ids)))],
            ),
            "new shopper + viewed product": lambda i: (
                f"new{i}",
                product_ids[int(rng.integers(len(product_ids)))],
            ),
            "new shopper, home page": lambda i: (f"new{i}", None),
        }
        from shop.models import Product

        for name, make in cases.items():
            latencies = []
            for i in range(args.queries + 20):
                shopper, product_id = make(int(rng.integers(shoppers)) if i else 0)
                product = Product(pk=int(product_id)) if product_id else None
                started = time.perf_counter()
                items = recommend_for(shopper, product=product, k=10, rerank=False)
                if i >= 20:  # warm-up excluded
                    latencies.append((time.perf_counter() - started) * 1000)
            with CaptureQueriesContext(connection) as queries:
                recommend_for(shopper, product=product, k=10, rerank=False)
            print(f"{name:<30} p50 {percentile(latencies, 50):6.2f} ms  "
                  f"p95 {percentile(latencies, 95):6.2f} ms  "
                  f"mean {statistics.mean(latencies):6.2f} ms  "
                  f"({len(queries)} queries, {len(items)} items)")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
