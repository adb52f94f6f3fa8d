"""Recommendations for a shop that has not trained a model yet: popularity, then the catalog.

Until the first training run (a fresh install, or just after ``llmshop_import_history``) the
block is not left empty. It shows the most popular products — by the recorded and imported
events, weighted as training weighs them, and by the shop's past orders read through the
adapter (:meth:`~django_llmshop.adapters.ShopAdapter.best_selling`) — first those of the
viewed product's category, then the shop's; then products of the catalog itself. Tracking
labels them model version ``"popularity"``.

The popularity table is computed at most once per ``CACHE_SECONDS`` (two grouped queries and
a bounded read of the catalog) and kept in Django's cache.
"""

from __future__ import annotations

from itertools import islice
from typing import Any

from django.core.cache import cache
from django.db.models import Case, FloatField, Sum, Value, When
from django.utils.translation import gettext as _

from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.recommend.results import Candidates, Recommendation

CACHE_KEY = "llmshop:rec:untrained:v1"
CACHE_SECONDS = 600
#: Popular products kept, from the events and from the orders each.
POPULAR = 200
#: Products of the catalog read at most for the fill, and kept per category and overall.
CATALOG_SCAN = 5000
CATALOG_PER_CATEGORY = 24
CATALOG_OVERALL = 200

# (product id, score, category); the catalog part's score is 0.
Row = tuple[str, float, str]


def normalised(pairs: list[tuple[str, float]]) -> dict[str, float]:
    """Scores scaled to 1 at the highest."""
    top = max((score for _, score in pairs), default=0.0)
    return {item: score / top for item, score in pairs} if top > 0 else {}


def popular_from_events() -> dict[str, float]:
    weights = llmshop_settings.RECOMMEND_EVENT_WEIGHTS
    weight = Case(
        *(When(type=kind, then=Value(float(w))) for kind, w in weights.items()),
        default=Value(1.0),
        output_field=FloatField(),
    )
    rows = (
        ShopperEvent.objects.values("product_id")
        .annotate(score=Sum(weight))
        .order_by("-score", "product_id")
        .values_list("product_id", "score")[:POPULAR]
    )
    return normalised([(item, float(score)) for item, score in rows])


def popularity_table(adapter: Any) -> dict[str, list[Row]]:
    """``{"popular": rows, "catalog": rows}``, popular first; computed once per cache period."""
    table: dict[str, list[Row]] | None = cache.get(CACHE_KEY)
    if table is not None:
        return table
    scores = popular_from_events()
    sold = normalised([(item, float(n)) for item, n in adapter.best_selling(POPULAR)])
    for item, share in sold.items():
        scores[item] = scores.get(item, 0.0) + share
    catalog: list[Row] = []
    per_category: dict[str, int] = {}
    category_of: dict[str, str] = {}
    for product_id, _text, category in islice(adapter.recommendation_catalog(), CATALOG_SCAN):
        category_of[product_id] = category
        if len(catalog) < CATALOG_OVERALL or per_category.get(category, 0) < CATALOG_PER_CATEGORY:
            catalog.append((product_id, 0.0, category))
            per_category[category] = per_category.get(category, 0) + 1
    unknown = [item for item in scores if item not in category_of]
    for item, product in adapter.products_by_id(unknown).items():
        category_of[item] = adapter.product_category(product)
    popular = sorted(
        ((item, score, category_of.get(item, "")) for item, score in scores.items()),
        key=lambda row: (-row[1], row[0]),
    )
    table = {"popular": popular[:POPULAR], "catalog": catalog}
    cache.set(CACHE_KEY, table, CACHE_SECONDS)
    return table


def untrained_candidates(adapter: Any, history: list[str], bought: set[str], k: int) -> Candidates:
    """Up to ``k`` available products by popularity, the recent item's category first."""
    table = popularity_table(adapter)
    taken = set(history) | bought
    context = ""
    if history:
        last = adapter.products_by_id(history[-1:]).get(history[-1])
        context = adapter.product_category(last) if last is not None else ""
    ordered: list[Row] = []
    for part in ("popular", "catalog"):
        if context:
            ordered += [row for row in table[part] if row[2] == context]
    for part in ("popular", "catalog"):
        ordered += table[part]
    chosen: list[Recommendation] = []
    step = 2 * k + 2  # a margin for unavailable products
    first: dict[str, Row] = {}
    for row in ordered:
        first.setdefault(row[0], row)
    queue = [row for item, row in first.items() if item not in taken]
    for start in range(0, len(queue), step):
        chunk = queue[start : start + step]
        products = adapter.products_by_id([row[0] for row in chunk])
        for item, score, category in chunk:
            product = products.get(item)
            if product is None or not adapter.product_is_available(product):
                continue
            chosen.append(Recommendation(item, round(score, 6), reason(score, category), product))
            if len(chosen) == k:
                return Candidates(chosen, history)
    return Candidates(chosen, history)


def reason(score: float, category: str) -> str:
    if score > 0:
        if category:
            return _("Popular in %(category)s") % {"category": category}
        return _("Popular right now")
    if category:
        return _("More from %(category)s") % {"category": category}
    return _("From our catalog")
