""" "Frequently bought together": the products most often in the same past order as one product.

Counted over the shop's orders through the adapter
(:meth:`~django_llmshop.adapters.ShopAdapter.bought_together`, one grouped query over the
order lines), so it works from the first order on, trained model or not. The counts are kept
in Django's cache per product for ``CACHE_SECONDS``; availability is checked on every request.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import ngettext

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.results import Recommendation

CACHE_SECONDS = 3600
#: Co-bought products counted per product (more than a block shows: some may be unavailable).
COUNTED = 24
#: The model version the tracking records for this placement's impressions.
VERSION = "bought-together"
PLACEMENT = "bought-together"


def counts_for(product_id: str) -> list[tuple[str, int]]:
    """``(product id, orders)`` bought with ``product_id``, most first (cached)."""
    key = f"llmshop:rec:together:v1:{product_id}"
    found: list[tuple[str, int]] | None = cache.get(key)
    if found is None:
        found = get_adapter().bought_together(product_id, COUNTED)
        cache.set(key, found, CACHE_SECONDS)
    return found


def bought_together(product: Any, k: int = 4) -> list[Recommendation]:
    """Up to ``k`` available products most often ordered with ``product``, with the number
    of orders as the score and the reason."""
    adapter = get_adapter()
    counts = counts_for(str(product.pk))
    products = adapter.products_by_id([item for item, _ in counts])
    items = []
    for item, orders in counts:
        other = products.get(item)
        if other is None or not adapter.product_is_available(other):
            continue
        reason = ngettext(
            "Bought together in %(count)d order", "Bought together in %(count)d orders", orders
        ) % {"count": orders}
        items.append(Recommendation(item, float(orders), reason, other))
        if len(items) == k:
            break
    return items
