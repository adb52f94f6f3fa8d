"""The HTMX recommendations block that ``{% llmshop_recommendations %}`` loads lazily."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from django_llmshop.adapters import get_adapter
from django_llmshop.recommend.services import available_product, recommend
from django_llmshop.shoppers import as_shopper

DEFAULT_LIMIT = 4
MAX_LIMIT = 24


def block_context(request: HttpRequest, product: Any, limit: int, polled: bool) -> dict[str, Any]:
    adapter = get_adapter()
    result = recommend(as_shopper(request), product, limit)
    items = [
        {
            "product_id": r.product_id,
            "name": adapter.product_name(r.product),
            "url": adapter.product_url(r.product),
            "price": adapter.product_price(r.product),
            "currency": adapter.product_currency(r.product),
            "reason": r.reason,
            "score": r.score,
        }
        for r in result.items
        if r.product is not None
    ]
    repoll = ""
    if result.pending and not polled:
        # Once: the re-ranked reasons are usually ready a moment later.
        query: dict[str, Any] = {"limit": limit, "polled": 1}
        if product is not None:
            query["product_id"] = str(product.pk)
        repoll = f"{request.path}?{urlencode(query)}"
    return {"items": items, "repoll": repoll, "pending": result.pending}


@require_GET
def recommendations_block(request: HttpRequest) -> HttpResponse:
    try:
        limit = min(max(int(request.GET.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    product_id = request.GET.get("product_id")
    product = available_product(product_id) if product_id else None
    context = block_context(request, product, limit, polled=bool(request.GET.get("polled")))
    return render(request, "django_llmshop/recommend/block.html", context)


urlpatterns = [
    path("recommendations/block/", recommendations_block, name="recommend-block"),
]
