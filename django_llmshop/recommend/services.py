"""The recommendations' public functions: recording events and serving recommendations.

A shop calls :func:`record_event` where shoppers do things (add to cart, order placed) and
:func:`recommend_for` (also the function the support chat may call) to get recommendations.
Who the shopper is (a user, or the session's token) is :mod:`django_llmshop.shoppers`' part.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import get_language

from django_llmshop import shoppers
from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.history import order_source, write_events
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.retention import purge_events
from django_llmshop.recommend.serving import Recommendation, candidates, product_key
from django_llmshop.recommend.tasks import enqueue_rerank
from django_llmshop.shoppers import Shopper, as_shopper, session_token

__all__ = [
    "SESSION_TOKEN", "Shopper", "as_shopper", "session_token", "product_key", "purge_events",
    "record_event", "record_order", "hand_over_events", "adopt_events", "available_product",
    "RecommendationList", "recommend", "recommend_for",
]  # fmt: skip

#: Kept for code that read the session itself; the key now lives in ``shoppers``.
SESSION_TOKEN = shoppers.SESSION_KEY

EVENT_TYPES = frozenset(ShopperEvent.Type.values)


def record_event(who: Any, product: Any, type: str) -> ShopperEvent | None:
    """Record that a shopper viewed, carted, bought or wished for ``product``.

    ``who`` is the request (anonymous shoppers get a session token), a user, or a session key.
    Returns None when there is nobody to record it for.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"Unknown event type {type!r}; use one of {sorted(EVENT_TYPES)}.")
    shopper = as_shopper(who, create=True)
    if shopper is None:
        return None
    return ShopperEvent.objects.create(
        user_id=shopper.user_id,
        session_key=shopper.session_key,
        product_id=product_key(product),
        type=type,
    )


def record_order(user: Any, products: list[Any], order: Any = None) -> int:
    """Record a purchase event for each product of an order the user placed.

    With ``order`` (the order, or its id) each event is keyed to its order and product, as the
    history import keys them: recording the same order twice, or importing it later, adds
    nothing.
    """
    shopper = as_shopper(user)
    if shopper is None:
        return 0
    order_id = product_key(order) if order is not None else None
    events = [
        ShopperEvent(
            user_id=shopper.user_id,
            product_id=product_key(p),
            type=ShopperEvent.Type.PURCHASE,
            source=order_source(order_id, product_key(p)) if order_id is not None else "",
        )
        for p in products
    ]
    if order_id is None:
        return len(ShopperEvent.objects.bulk_create(events))
    return write_events(events)


def hand_over_events(token: str, owner: Shopper) -> int:
    """Give anonymous session ``token``'s events to ``owner`` (registered for login)."""
    return shoppers.hand_over(ShopperEvent.objects.all(), token, owner)


def adopt_events(request: HttpRequest, user: Any) -> int:
    """Move the anonymous session's events to the account the shopper just logged in to."""
    if user is None or user.pk is None:
        return 0
    return hand_over_events(session_token(request), Shopper(user_id=user.pk))


def available_product(product_id: Any) -> Any | None:
    """The product with this id if it exists and is available, else None."""
    adapter = get_adapter()
    product = adapter.products_by_id([product_id]).get(str(product_id))
    if product is None or not adapter.product_is_available(product):
        return None
    return product


@dataclass
class RecommendationList:
    """What a surface shows: the items, and whether a re-ranking is still being computed."""

    items: list[Recommendation]
    pending: bool = False
    model_id: int | None = None  # the trained model they come from
    reranked: bool = False  # ordered by the model's cached re-ranking


def cache_key(shopper: Shopper | None, history: list[str], candidate_ids: list[str]) -> str:
    raw = "|".join([shopper.key if shopper else "-", ",".join(history), ",".join(candidate_ids)])
    language = get_language() or ""
    return f"llmshop:rec:rerank:{language}:{hashlib.sha256(raw.encode()).hexdigest()[:32]}"


def recommend(
    shopper: Shopper | None, product: Any = None, k: int = 10, *, rerank: bool | None = None
) -> RecommendationList:
    """The shopper's recommendations; re-ranked from the cache when re-ranking is on."""
    enabled = llmshop_settings.RECOMMEND_RERANK if rerank is None else rerank
    size = max(k, int(llmshop_settings.RECOMMEND_RERANK_CANDIDATES)) if enabled else k
    found = candidates(shopper, product, size)
    if not enabled or not found.items:
        return RecommendationList(found.items[:k], model_id=found.model_id)
    ids = [r.product_id for r in found.items]
    key = cache_key(shopper, found.history, ids)
    ranking = cache.get(key)
    if ranking is None:
        # One task per shopper and context, however many requests arrive meanwhile.
        if cache.add(f"{key}:queued", 1, timeout=60):
            enqueue_rerank(key, found.history, ids, get_language() or "en")
        return RecommendationList(found.items[:k], pending=True, model_id=found.model_id)
    return RecommendationList(
        apply_ranking(found.items, ranking)[:k], model_id=found.model_id, reranked=True
    )


def apply_ranking(items: list[Recommendation], ranking: dict[str, Any]) -> list[Recommendation]:
    """Reorder by a cached ranking: known ids first with their reasons, the rest after."""
    order = ranking.get("order") or []
    reasons = ranking.get("reasons") or {}
    by_id = {r.product_id: r for r in items}
    ranked = [
        replace(by_id[i], reason=reasons.get(i) or by_id[i].reason) for i in order if i in by_id
    ]
    placed = {r.product_id for r in ranked}
    return ranked + [r for r in items if r.product_id not in placed]


def recommend_for(
    shopper: Any, product: Any = None, k: int = 10, *, rerank: bool | None = None
) -> list[Recommendation]:
    """Up to ``k`` :class:`~django_llmshop.recommend.serving.Recommendation` for a shopper.

    ``shopper`` is a user, a session key, a request or a ``Shopper``; ``product`` (the page
    being viewed) counts as the most recent item. With re-ranking on (``RECOMMEND_RERANK``, or
    ``rerank``) a cached model ranking is applied, or computed in a task for next time.
    """
    return recommend(as_shopper(shopper), product, k, rerank=rerank).items
