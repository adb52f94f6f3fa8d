"""Training: shopper events → the engine's sequence item-kNN → neighbour and popularity rows.

Rows are written under a new ``TrainedModel`` in state "building", in batches; one short
transaction then makes it the active model and retires the previous one. Serving reads only
the active model's rows, so it never sees a half-written table — and recording events is not
held up behind one long write transaction (SQLite has a single writer).
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from django.db import connection, models, transaction
from django.utils import timezone

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.engine import NeighbourTable, SequenceKNNParams, fit_sequence_knn
from django_llmshop.recommend.engine.content import cosine_neighbours_of, tfidf_matrix, tokenize
from django_llmshop.recommend.models import (
    ItemNeighbour,
    ItemPopularity,
    ShopperEvent,
    TrainedModel,
)

logger = logging.getLogger("django_llmshop.recommend")

#: How many of the most popular items are stored, over the shop and per category.
POPULAR_OVERALL = 500
POPULAR_PER_CATEGORY = 50
#: Content neighbours computed for each item with little history: at most
#: ``CONTENT_FEW_EVENTS`` occurrences in shoppers' sequences (0: none), the items with the
#: fewest first, up to ``CONTENT_MAX_ITEMS`` of them.
CONTENT_NEIGHBOURS = 20
CONTENT_FEW_EVENTS = 2
CONTENT_MAX_ITEMS = 100_000
BATCH = 10_000


@dataclasses.dataclass
class EventData:
    """Events as index sequences (one per shopper, in time order) over ``item_ids``."""

    sequences: list[np.ndarray]
    item_ids: list[str]
    weighted_counts: np.ndarray
    events: int


def read_events(index: dict[str, int], item_ids: list[str]) -> EventData:
    """Every shopper's events in time order; items not yet in ``index`` are appended to it.

    Repeats of one item in a row (viewed, then carted) count once in the sequence; every
    event counts towards popularity with its type's weight.
    """
    weights = {k: float(v) for k, v in llmshop_settings.RECOMMEND_EVENT_WEIGHTS.items()}
    rows = ShopperEvent.objects.order_by("user_id", "session_key", "created", "pk").values_list(
        "user_id", "session_key", "product_id", "type"
    )
    sequences: list[np.ndarray] = []
    counted: list[tuple[int, float]] = []
    current: list[int] = []
    owner: tuple[Any, str] | None = None
    events = 0
    for user_id, session_key, product_id, kind in rows.iterator(chunk_size=20_000):
        events += 1
        shopper = (user_id, "" if user_id is not None else session_key)
        if shopper != owner:
            if current:
                sequences.append(np.asarray(current, dtype=np.int32))
            current, owner = [], shopper
        item = index.get(product_id)
        if item is None:
            item = index[product_id] = len(item_ids)
            item_ids.append(product_id)
        counted.append((item, weights.get(kind, 1.0)))
        if not current or current[-1] != item:
            current.append(item)
    if current:
        sequences.append(np.asarray(current, dtype=np.int32))
    counts = np.zeros(len(item_ids))
    if counted:
        pairs = np.asarray(counted)
        np.add.at(counts, pairs[:, 0].astype(np.int64), pairs[:, 1])
    return EventData(sequences, item_ids, counts, events)


def needing_content(
    sequences: Sequence[np.ndarray],
    n_catalog: int,
    few: int | None = None,
    cap: int | None = None,
) -> np.ndarray:
    """The catalog items (indices below ``n_catalog``) that get content neighbours: those in at
    most ``few`` shoppers' sequences, the least seen first, at most ``cap`` of them."""
    few = CONTENT_FEW_EVENTS if few is None else few
    cap = CONTENT_MAX_ITEMS if cap is None else cap
    seen = np.zeros(n_catalog, dtype=np.int64)
    if sequences:
        everything = np.concatenate(sequences)
        seen += np.bincount(everything[everything < n_catalog], minlength=n_catalog)
    candidates = np.flatnonzero(seen <= few)
    order = np.argsort(seen[candidates], kind="stable")
    return np.sort(candidates[order[:cap]])


def content_similarity(texts: Sequence[str], cold: np.ndarray, n_items: int) -> Any:
    """TF-IDF neighbours of the items with little history (``cold``), over the catalog's
    texts."""
    vectors = tfidf_matrix([tokenize(t) for t in texts])
    similar = cosine_neighbours_of(vectors, cold, CONTENT_NEIGHBOURS)
    similar.resize((n_items, n_items))
    return similar


def train(params: SequenceKNNParams | None = None) -> TrainedModel:
    """Train a model from all events and the catalog, store it and make it the active one."""
    started = time.perf_counter()
    params = params or SequenceKNNParams(neighbours=int(llmshop_settings.RECOMMEND_NEIGHBOURS))
    model = TrainedModel.objects.create(
        params={"recency": params.recency, "max_history": params.max_history, "prior": params.prior}
    )
    try:
        catalog = list(get_adapter().recommendation_catalog())
        item_ids = [product_id for product_id, _, _ in catalog]
        index = {product_id: i for i, product_id in enumerate(item_ids)}
        data = read_events(index, item_ids)
        n_items = len(item_ids)
        cold = needing_content(data.sequences, len(catalog))
        content = content_similarity([text for _, text, _ in catalog], cold, n_items)
        table = fit_sequence_knn(data.sequences, n_items, params, content)
        peak = data.weighted_counts.max() if n_items and data.weighted_counts.max() > 0 else 1.0
        table = dataclasses.replace(
            table, popularity=(data.weighted_counts / peak).astype(np.float32)
        )
        ids = np.asarray(item_ids, dtype=object)
        model.neighbours = store_neighbours(model, table, ids)
        store_popularity(model, table, ids, [(i, c) for i, (_, _, c) in enumerate(catalog)])
        model.events, model.shoppers, model.items = data.events, len(data.sequences), n_items
    except Exception as exc:  # noqa: BLE001 - recorded on the run and re-raised
        TrainedModel.objects.filter(pk=model.pk).update(
            status=TrainedModel.Status.FAILED, error=repr(exc)[:2000]
        )
        raise
    model.seconds = time.perf_counter() - started
    activate(model)
    logger.info(
        "Trained recommendation model %s: %s events, %s items, %s neighbour rows in %.1f s",
        model.pk, model.events, model.items, model.neighbours, model.seconds,
    )  # fmt: skip
    return model


def activate(model: TrainedModel) -> None:
    """Make ``model`` the one served; retire the previous one and delete older ones."""
    with transaction.atomic():
        TrainedModel.objects.filter(status=TrainedModel.Status.RETIRED).delete()
        TrainedModel.objects.filter(status=TrainedModel.Status.ACTIVE).update(
            status=TrainedModel.Status.RETIRED
        )
        model.status = TrainedModel.Status.ACTIVE
        model.activated = timezone.now()
        model.save()


def store_neighbours(model: TrainedModel, table: NeighbourTable, ids: np.ndarray) -> int:
    counts = np.diff(table.indptr)
    items = np.repeat(np.arange(table.n_items), counts)
    ranks = np.arange(len(table.indices)) - np.repeat(table.indptr[:-1], counts)
    keep = table.weights > 0
    rows = zip(
        ids[items[keep]].tolist(),
        ranks[keep].tolist(),
        ids[table.indices[keep]].tolist(),
        table.weights[keep].astype(float).tolist(),
        table.popularity[table.indices[keep]].astype(float).tolist(),
        strict=True,
    )
    columns = ("item", "rank", "neighbour", "weight", "popularity")
    return insert_rows(ItemNeighbour, model.pk, columns, rows)


def store_popularity(
    model: TrainedModel, table: NeighbourTable, ids: np.ndarray, categories: list[tuple[int, str]]
) -> int:
    """The most popular available items overall and per category (catalog items only)."""
    popularity = table.popularity
    catalog = np.asarray([i for i, _ in categories], dtype=np.int64)
    ranked = catalog[np.lexsort((catalog, -popularity[catalog]))] if len(catalog) else catalog
    rows: list[tuple[str, int, str, float]] = [
        ("", rank, str(ids[i]), float(popularity[i]))
        for rank, i in enumerate(ranked[:POPULAR_OVERALL].tolist())
    ]
    members: dict[str, list[int]] = {}
    category_of = dict(categories)
    for i in ranked.tolist():
        category = category_of[i]
        if category and len(members.setdefault(category, [])) < POPULAR_PER_CATEGORY:
            members[category].append(i)
    for category, items in members.items():
        rows += [(category, r, str(ids[i]), float(popularity[i])) for r, i in enumerate(items)]
    return insert_rows(ItemPopularity, model.pk, ("category", "rank", "item", "score"), rows)


def insert_rows(
    table: type[models.Model],
    model_id: int,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
) -> int:
    """Insert many rows fast: COPY on PostgreSQL, batched ``executemany`` elsewhere."""
    name = connection.ops.quote_name(table._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in ("model_id", *columns))
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((model_id, *row))
                    written += 1
            return written
        marks = ", ".join(["%s"] * (len(columns) + 1))
        sql = f"INSERT INTO {name} ({names}) VALUES ({marks})"
        for batch in _batches(rows, BATCH):
            # One transaction per batch: in autocommit every row would be its own (and sync).
            with transaction.atomic():
                cursor.executemany(sql, [(model_id, *row) for row in batch])
            written += len(batch)
    return written


def _batches(rows: Iterable[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
