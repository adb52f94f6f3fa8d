"""Serving: score a shopper's candidates from the active model's tables in a few indexed reads.

The score is the engine's (:class:`~django_llmshop.recommend.engine.NeighbourTable`): for the
shopper's last ``max_history`` items ``h`` (age 0 = most recent, the viewed product counted as
the most recent), ``sum_h recency**age(h) * weight(h -> j) + prior * popularity[j]``, over the
neighbours of those items and the most popular items, history excluded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.engine.neighbours import recency_weights
from django_llmshop.recommend.models import (
    ItemNeighbour,
    ItemPopularity,
    ShopperEvent,
    TrainedModel,
)
from django_llmshop.recommend.services import Shopper, product_key

DEFAULT_PARAMS = {"recency": 0.6, "max_history": 10, "prior": 0.02}


@dataclass(frozen=True)
class Recommendation:
    """One recommended product: its id, the model's score and a one-line reason."""

    product_id: str
    score: float
    reason: str
    product: Any = field(default=None, compare=False, repr=False)


@dataclass
class Candidates:
    """The ranked, available candidates of one shopper and what they were computed from."""

    items: list[Recommendation]
    history: list[str]


def active_model() -> tuple[int | None, dict[str, Any]]:
    """The id and serving parameters of the newest active model (None: nothing trained yet)."""
    row = (
        TrainedModel.objects.filter(status=TrainedModel.Status.ACTIVE)
        .order_by("-activated")
        .values_list("pk", "params")
        .first()
    )
    if row is None:
        return None, dict(DEFAULT_PARAMS)
    return row[0], {**DEFAULT_PARAMS, **(row[1] or {})}


def recent_history(shopper: Shopper | None, max_history: int) -> tuple[list[str], dict[str, str]]:
    """The shopper's last items, oldest first (repeats collapsed), and each one's last event."""
    if shopper is None or max_history <= 0:
        return [], {}
    rows = shopper.events().order_by("-created", "-pk").values_list("product_id", "type")
    newest_first: list[str] = []
    kinds: dict[str, str] = {}
    for item, kind in rows[: max_history * 4]:
        kinds.setdefault(item, kind)
        if item not in newest_first:
            newest_first.append(item)
        if len(newest_first) == max_history:
            break
    return newest_first[::-1], kinds


def purchased(shopper: Shopper | None) -> set[str]:
    if shopper is None:
        return set()
    bought = shopper.events().filter(type=ShopperEvent.Type.PURCHASE)
    return set(bought.values_list("product_id", flat=True).distinct())


def popular(model_id: int, category: str, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` most popular items overall (``category`` "") or in one category."""
    rows = ItemPopularity.objects.filter(model_id=model_id, category=category, rank__lt=limit)
    return list(rows.order_by("rank").values_list("item", "score"))


def score(
    model_id: int, params: dict[str, Any], history: list[str], k: int, exclude: set[str]
) -> tuple[list[tuple[str, float]], dict[str, str]]:
    """The engine's ranking: (item, score) best first, and the history item behind each."""
    recency, prior = float(params["recency"]), float(params["prior"])
    recent = history[-int(params["max_history"]) :]
    ages = dict(zip(recent, recency_weights(len(recent), recency).tolist(), strict=True))
    totals: dict[str, float] = {}
    popularity: dict[str, float] = {}
    because: dict[str, tuple[float, str]] = {}
    rows = ItemNeighbour.objects.filter(model_id=model_id, item__in=recent)
    for item, neighbour, weight, pop in rows.values_list(
        "item", "neighbour", "weight", "popularity"
    ):
        part = ages[item] * weight
        totals[neighbour] = totals.get(neighbour, 0.0) + part
        popularity[neighbour] = pop
        if part > because.get(neighbour, (0.0, ""))[0]:
            because[neighbour] = (part, item)
    seen = set(recent) | exclude
    for item, pop in popular(model_id, "", k + len(seen)):
        totals.setdefault(item, 0.0)
        popularity[item] = pop
    if prior:
        for item in totals:
            totals[item] += prior * popularity.get(item, 0.0)
    ranked = sorted(
        ((j, s) for j, s in totals.items() if j not in seen),
        key=lambda p: (-p[1], -popularity.get(p[0], 0.0), p[0]),
    )
    return ranked, {j: h for j, (_, h) in because.items()}


def candidates(shopper: Shopper | None, product: Any = None, k: int = 10) -> Candidates:
    """The shopper's top ``k`` available recommendations in the engine's order, with reasons."""
    adapter = get_adapter()
    model_id, params = active_model()
    history, kinds = recent_history(shopper, int(params["max_history"]))
    if product is not None:
        current = product_key(product)
        history = [h for h in history if h != current] + [current]
        kinds[current] = ShopperEvent.Type.VIEW
    if model_id is None:
        return Candidates([], history)
    bought = purchased(shopper)
    ranked, because = score(model_id, params, history, k, bought)
    chosen: list[tuple[str, float, Any]] = []
    taken = set(history) | bought
    products = adapter.products_by_id(history[-1:])
    context_category = ""
    if history and history[-1] in products:
        context_category = adapter.product_category(products[history[-1]])

    def take(pairs: list[tuple[str, float]]) -> None:
        for start in range(0, len(pairs), 3 * k):
            chunk = [(j, s) for j, s in pairs[start : start + 3 * k] if j not in taken]
            found = adapter.products_by_id([j for j, _ in chunk])
            for j, s in chunk:
                item = found.get(j)
                if item is not None and adapter.product_is_available(item):
                    chosen.append((j, s, item))
                    taken.add(j)
                    if len(chosen) == k:
                        return

    take(ranked)
    # Short of k (a new shopper, unavailable neighbours): the viewed product's category first,
    # then the whole shop, scored as the engine scores an empty history (prior × popularity).
    prior = float(params["prior"])
    for category in ([context_category] if context_category else []) + [""]:
        if len(chosen) < k:
            take([(j, prior * p) for j, p in popular(model_id, category, 4 * k + len(taken))])
    names = {
        h: adapter.product_name(p)
        for h, p in adapter.products_by_id(
            {because[j] for j, _, _ in chosen if j in because}
        ).items()
    }
    items = [
        Recommendation(
            j,
            round(s, 6),
            default_reason(because.get(j), kinds, names, item, context_category),
            item,
        )
        for j, s, item in chosen
    ]
    return Candidates(items, history)


def default_reason(
    source: str | None, kinds: dict[str, str], names: dict[str, str], product: Any, category: str
) -> str:
    """ "Because you viewed X" for a neighbour, "Popular in Y" for a popular item."""
    if source is not None and source in names:
        name = names[source]
        kind = kinds.get(source)
        if kind == ShopperEvent.Type.PURCHASE:
            return _("Because you bought %(name)s") % {"name": name}
        if kind == ShopperEvent.Type.CART:
            return _("Because you added %(name)s to your cart") % {"name": name}
        return _("Because you viewed %(name)s") % {"name": name}
    own = get_adapter().product_category(product) if product is not None else ""
    if own:
        return _("Popular in %(category)s") % {"category": own}
    return _("Popular right now")
