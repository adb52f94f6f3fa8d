"""Serving: score a shopper's candidates from the active model's tables in a few indexed reads.

The score is the engine's (:class:`~django_llmshop.recommend.engine.NeighbourTable`): for the
shopper's last ``max_history`` items ``h`` (age 0 = most recent, the viewed product counted as
the most recent), ``sum_h recency**age(h) * weight(h -> j) + prior * popularity[j]``, over the
neighbours of those items and the most popular items, history excluded.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.utils.translation import gettext as _

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.engine.neighbours import recency_weights
from django_llmshop.recommend.fallback import untrained_candidates
from django_llmshop.recommend.models import (
    ItemNeighbour,
    ItemPopularity,
    ShopperEvent,
    TrainedModel,
)
from django_llmshop.recommend.results import Candidates, Recommendation
from django_llmshop.shoppers import Shopper

__all__ = ["Candidates", "Recommendation", "candidates", "product_key", "active_model"]

DEFAULT_PARAMS = {"recency": 0.6, "max_history": 10, "prior": 0.02}


def product_key(product: Any) -> str:
    """A product's id as events store it: ``str(pk)`` of an instance, or the id given."""
    return str(product.pk if isinstance(product, models.Model) else product)


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


def _table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return connection.ops.quote_name(field.column)


def shopper_history(
    shopper: Shopper | None, max_history: int
) -> tuple[list[str], dict[str, str], set[str]]:
    """The shopper's last ``max_history`` items, oldest first (repeats collapsed), each one's
    last event type, and every item they bought — in one read through the shopper's index
    (the last events, limited, and the purchases)."""
    if shopper is None:
        return [], {}, set()
    e = ShopperEvent
    owner = "user" if shopper.user_id is not None else "session_key"
    value = shopper.user_id if shopper.user_id is not None else shopper.session_key
    table, who = _table(e), _column(e, owner)
    item, kind, created, pk = (_column(e, f) for f in ("product_id", "type", "created", "id"))
    sql = (
        f"SELECT {item}, {kind}, {created}, {pk} FROM ("
        f"SELECT {item}, {kind}, {created}, {pk} FROM {table} WHERE {who} = %s "
        f"ORDER BY {created} DESC, {pk} DESC LIMIT %s) recent "
        f"UNION ALL SELECT {item}, {kind}, NULL, NULL FROM {table} "
        f"WHERE {who} = %s AND {kind} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value, max(max_history, 0) * 4, value, ShopperEvent.Type.PURCHASE])
        rows = cursor.fetchall()
    bought = {row[0] for row in rows if row[3] is None}
    recent = sorted((row for row in rows if row[3] is not None), key=lambda r: (r[2], r[3]))
    newest_first: list[str] = []
    kinds: dict[str, str] = {}
    for product_id, event_type, *_rest in reversed(recent):
        kinds.setdefault(product_id, event_type)
        if product_id not in newest_first:
            if len(newest_first) == max_history:
                break
            newest_first.append(product_id)
    return newest_first[::-1], kinds, bought


def popular(model_id: int, category: str, limit: int) -> list[tuple[str, float]]:
    """The ``limit`` most popular items overall (``category`` "") or in one category."""
    rows = ItemPopularity.objects.filter(model_id=model_id, category=category, rank__lt=limit)
    return list(rows.order_by("rank").values_list("item", "score"))


def neighbours_and_popular(
    model_id: int, items: list[str], limit: int
) -> tuple[list[tuple[str, str, float, float]], list[tuple[str, float]]]:
    """The neighbour rows (item, neighbour, weight, popularity) of ``items`` and the ``limit``
    most popular items (item, score), in one read through the two tables' indexes."""
    n, p = ItemNeighbour, ItemPopularity
    sql = (
        f"SELECT 1, {_column(p, 'rank')}, '', {_column(p, 'item')}, 0.0, {_column(p, 'score')} "
        f"FROM {_table(p)} WHERE {_column(p, 'model')} = %s AND {_column(p, 'category')} = '' "
        f"AND {_column(p, 'rank')} < %s"
    )
    params: list[Any] = [model_id, limit]
    if items:
        marks = ", ".join(["%s"] * len(items))
        sql = (
            f"SELECT 0, 0, {_column(n, 'item')}, {_column(n, 'neighbour')}, "
            f"{_column(n, 'weight')}, {_column(n, 'popularity')} FROM {_table(n)} "
            f"WHERE {_column(n, 'model')} = %s AND {_column(n, 'item')} IN ({marks}) "
            f"UNION ALL {sql}"
        )
        params = [model_id, *items, *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    neighbours = [(r[2], r[3], float(r[4]), float(r[5])) for r in rows if r[0] == 0]
    top = sorted((r[1], r[3], float(r[5])) for r in rows if r[0] == 1)
    return neighbours, [(item, pop) for _, item, pop in top]


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
    seen = set(recent) | exclude
    rows, most_popular = neighbours_and_popular(model_id, recent, k + len(seen))
    for item, neighbour, weight, pop in rows:
        part = ages[item] * weight
        totals[neighbour] = totals.get(neighbour, 0.0) + part
        popularity[neighbour] = pop
        if part > because.get(neighbour, (0.0, ""))[0]:
            because[neighbour] = (part, item)
    for item, pop in most_popular:
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


class ProductCache:
    """Products by id, each id looked up once (``products_by_id`` for the ones not yet asked)."""

    def __init__(self, adapter: Any) -> None:
        self.adapter = adapter
        self.found: dict[str, Any] = {}
        self.asked: set[str] = set()

    def fetch(self, ids: list[str]) -> None:
        missing = list(dict.fromkeys(i for i in ids if i not in self.asked))
        if missing:
            self.asked.update(missing)
            self.found.update(self.adapter.products_by_id(missing))

    def get(self, product_id: str) -> Any:
        return self.found.get(product_id)


def candidates(shopper: Shopper | None, product: Any = None, k: int = 10) -> Candidates:
    """The shopper's top ``k`` available recommendations in the engine's order, with reasons."""
    adapter = get_adapter()
    model_id, params = active_model()
    history, kinds, bought = shopper_history(shopper, int(params["max_history"]))
    if product is not None:
        current = product_key(product)
        history = [h for h in history if h != current] + [current]
        kinds[current] = ShopperEvent.Type.VIEW
    if model_id is None:  # nothing trained yet: popular items from the orders and catalog
        return untrained_candidates(adapter, history, bought, k)
    ranked, because = score(model_id, params, history, k, bought)
    chosen: list[tuple[str, float, Any]] = []
    taken = set(history) | bought
    # One read of products for the usual case: the viewed (last) item, the first candidates
    # and the history items they come from (for the reasons' names).
    step = k + k // 2 + 2  # a margin for unavailable products
    first = [j for j, _ in ranked[:step]]
    products = ProductCache(adapter)
    products.fetch([*history[-1:], *first, *(because[j] for j in first if j in because)])
    context_category = ""
    if history and products.get(history[-1]) is not None:
        context_category = adapter.product_category(products.get(history[-1]))

    def take(pairs: list[tuple[str, float]]) -> None:
        for start in range(0, len(pairs), step):
            chunk = [(j, s) for j, s in pairs[start : start + step] if j not in taken]
            products.fetch([j for j, _ in chunk])
            for j, s in chunk:
                item = products.get(j)
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
    sources = [because[j] for j, _, _ in chosen if j in because]
    products.fetch(sources)
    names = {
        h: adapter.product_name(products.get(h)) for h in sources if products.get(h) is not None
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
    return Candidates(items, history, model_id)


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
