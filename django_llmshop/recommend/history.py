"""Importing a shop's history as shopper events: past orders through the adapter, view logs.

Each imported event carries a ``source`` key, unique in the table: the order and product of an
order line (``order:<order id>:<product id>``, the key :func:`record_order
<django_llmshop.recommend.services.record_order>` gives a live order too) or a view log's row.
Keys already stored are skipped, so importing the same history again adds nothing, and an
import that stopped half way is finished by running it again. Work goes in batches (one read of
orders and lines, one transaction of inserts), so memory stays bounded by the batch size.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_llmshop.adapters import PastOrder, ShopAdapter
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.viewlog import as_datetime, imported_token, view_rows

#: Keys looked up at once when skipping stored ones (below SQLite's oldest limit of 999).
LOOKUP_CHUNK = 900
SOURCE_LENGTH = 160


@dataclass
class ImportCounts:
    """How far an import got: orders or log rows read, events they gave, events new."""

    read: int = 0
    events: int = 0
    added: int = 0


def order_source(order_id: Any, product_id: Any) -> str:
    """The key of one product of one order, the same for the import and a live order."""
    key = f"order:{order_id}:{product_id}"
    if len(key) <= SOURCE_LENGTH:
        return key
    return "order#" + hashlib.sha256(key.encode()).hexdigest()


def order_owner(order: PastOrder) -> dict[str, Any]:
    """The event owner of an order: its user, else a token for the guest (or the order)."""
    if order.user_id is not None:
        return {"user_id": order.user_id, "session_key": ""}
    guest = order.guest.strip().lower() or f"order:{order.order_id}"
    return {"user_id": None, "session_key": imported_token(guest)}


def purchase_events(orders: Iterable[PastOrder]) -> list[ShopperEvent]:
    """One purchase event per product of each order, at the time it was placed."""
    now = timezone.now()
    events = []
    for order in orders:
        created = as_datetime(order.placed_at) or now
        owner = order_owner(order)
        for product_id in dict.fromkeys(order.product_ids):
            events.append(
                ShopperEvent(
                    product_id=str(product_id)[:64],
                    type=ShopperEvent.Type.PURCHASE,
                    created=created,
                    source=order_source(order.order_id, product_id),
                    **owner,
                )
            )
    return events


def write_events(events: list[ShopperEvent]) -> int:
    """Insert the events whose source is not stored yet, in one transaction; how many."""
    if not events:
        return 0
    sources = [e.source for e in events]
    stored: set[str] = set()
    for start in range(0, len(sources), LOOKUP_CHUNK):
        chunk = sources[start : start + LOOKUP_CHUNK]
        # "source <> ''" spelled out: the unique index is partial (on that condition), and
        # neither SQLite nor PostgreSQL (for long IN lists) uses it for "source IN (...)" alone.
        found = ShopperEvent.objects.filter(source__in=chunk).exclude(source="")
        rows = found.values_list("source", flat=True)
        stored.update(rows)
    fresh = {e.source: e for e in events if e.source not in stored}
    if fresh:
        with transaction.atomic():
            # ignore_conflicts: an import running at the same time may have stored some since.
            ShopperEvent.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    return len(fresh)


def import_orders(
    adapter: ShopAdapter,
    since: datetime | None = None,
    batch_size: int = 1000,
    progress: Callable[[ImportCounts], None] | None = None,
) -> ImportCounts:
    """Every past order the adapter yields (placed on or after ``since``) as purchase events."""
    counts = ImportCounts()
    for orders in adapter.order_history(since=since, batch_size=batch_size):
        events = purchase_events(orders)
        counts.read += len(orders)
        counts.events += len(events)
        counts.added += write_events(events)
        if progress is not None:
            progress(counts)
    return counts


def import_views(
    path: Path,
    since: datetime | None = None,
    batch_size: int = 1000,
    progress: Callable[[ImportCounts], None] | None = None,
) -> ImportCounts:
    """The rows of a view log that :func:`~.viewlog.check_view_log` accepted, as events."""
    counts = ImportCounts()
    batch: list[ShopperEvent] = []

    def flush() -> None:
        counts.events += len(batch)
        counts.added += write_events(batch)
        batch.clear()
        if progress is not None:
            progress(counts)

    for row in view_rows(path):
        counts.read += 1
        if since is not None and row.created < since:
            continue
        batch.append(
            ShopperEvent(
                user_id=row.user_id,
                session_key=row.session_key,
                product_id=row.product_id,
                type=row.type,
                created=row.created,
                source=row.source,
            )
        )
        if len(batch) >= batch_size:
            flush()
    flush()
    return counts
