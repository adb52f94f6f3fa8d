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
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
if "DATABASE_URL" not in os.environ:
    os.environ.setdefault("LLMSHOP_TEST_SQLITE", "/tmp/llmshop_bench.sqlite3")

#: The synthetic catalog's vocabulary and the Zipf exponent of word use: a few common words,
#: a long tail of rare ones, each category favouring its own words.
VOCABULARY = 3000
WORD_SKEW = 1.1
TYPES = np.array(["view", "cart", "purchase", "wishlist"])
TYPE_SHARES = [0.80, 0.12, 0.05, 0.03]


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    """``size`` distinct made-up words of two to four syllables."""
    onsets = [*"bcdfghjklmnprstvwz", "br", "ch", "cl", "dr", "fl", "gr", "pl", "sh", "st", "tr"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou"]
    words: set[str] = set()
    while len(words) < size:
        syllables = int(rng.integers(2, 5))
        words.add("".join(onsets[rng.integers(len(onsets))] + vowels[rng.integers(len(vowels))]
                          for _ in range(syllables)))  # fmt: skip
    return sorted(words)


def zipf_probabilities(n: int, skew: float) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** skew
    return weights / weights.sum()


def synthetic_catalog(
    n_products: int, n_categories: int, rng: np.random.Generator
) -> tuple[list[str], list[tuple[str, str]]]:
    """Category names (two words each), and (name, description) of each product: a name of 3
    to 6 words and a description of 6 to 14, drawn with a Zipf skew over a vocabulary of
    ``VOCABULARY`` words, in an order of word frequency of the product's category (so a category
    has its own common words)."""
    made_up = vocabulary(VOCABULARY + 2 * n_categories, rng)
    rng.shuffle(made_up)
    names = made_up[VOCABULARY:]
    categories = [f"{names[2 * c]} {names[2 * c + 1]}".title() for c in range(n_categories)]
    words = np.asarray(made_up[:VOCABULARY], dtype=object)
    probabilities = zipf_probabilities(VOCABULARY, WORD_SKEW)
    orders = [rng.permutation(VOCABULARY) for _ in range(n_categories)]
    texts = []
    for i in range(n_products):
        order = orders[i * n_categories // n_products]
        drawn = order[rng.choice(VOCABULARY, int(rng.integers(9, 21)), p=probabilities)]
        split = int(rng.integers(3, 7))
        name, description = words[drawn[:split]], words[drawn[split:]]
        texts.append((" ".join(name).capitalize(), " ".join(description)))
    return categories, texts


def build_catalog(n_products: int, n_categories: int, rng: np.random.Generator) -> list[str]:
    from decimal import Decimal

    from shop.models import Category, Product

    category_names, texts = synthetic_catalog(n_products, n_categories, rng)
    categories = Category.objects.bulk_create(
        Category(name=name, slug=f"category-{c}") for c, name in enumerate(category_names)
    )
    batch = []
    for i, (name, description) in enumerate(texts):
        batch.append(
            Product(
                category=categories[i * n_categories // n_products],
                name=name,
                slug=f"p-{i}",
                sku=f"SKU-{i}",
                price=Decimal("10.00"),
                stock=5,
                description=description,
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


def explain(connection: Any, queries: list[dict[str, str]]) -> None:
    """Each query's SQL and time, with its plan on PostgreSQL."""
    for query in queries:
        print(f"    {query['time']} s  {query['sql'][:300]}")
        if connection.vendor == "postgresql" and query["sql"].startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN ANALYZE {query['sql']}")
                for (line,) in cursor.fetchall():
                    print(f"        {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 100k products, 1M events")
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--explain", action="store_true", help="print each case's queries (and plans on PostgreSQL)"
    )
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
            if args.explain:
                explain(connection, queries.captured_queries)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
