"""The HTMX recommendations block that ``{% llmshop_recommendations %}`` loads lazily, and
the click URL its links go through when tracking is on (``RECOMMEND_TRACKING``)."""

from __future__ import annotations

from typing import Any

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from django_llmshop.adapters import get_adapter
from django_llmshop.api.throttling import EVENT_THROTTLES, throttle_wait
from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend import together, tracking
from django_llmshop.recommend.experiments import Served, serve
from django_llmshop.recommend.services import available_product
from django_llmshop.shoppers import as_shopper

DEFAULT_LIMIT = 4
MAX_LIMIT = 24


def block_context(
    request: HttpRequest,
    product: Any,
    limit: int,
    polled: bool,
    placement: str = "",
    view: str = "",
) -> dict[str, Any]:
    track = bool(llmshop_settings.RECOMMEND_TRACKING)
    # A tracked view needs a shopper to count it for (the same token the events use).
    shopper = as_shopper(request, create=track)
    result = serve(shopper, product, limit)
    placement = placement or ("product" if product is not None else "page")
    view = view or tracking.new_view()
    items = shown_items(result, shopper if track else None, placement, view, track)
    repoll = ""
    if result.pending and not polled:
        # Once: the re-ranked reasons are usually ready a moment later.
        query: dict[str, Any] = {"limit": limit, "polled": 1, "placement": placement, "v": view}
        if product is not None:
            query["product_id"] = str(product.pk)
        repoll = f"{request.path}?{urlencode(query)}"
    return {"items": items, "repoll": repoll, "pending": result.pending}


def shown_items(
    result: Served, shopper: Any, placement: str, view: str, track: bool
) -> list[dict[str, Any]]:
    """What the block template shows of each item; with ``track``, the impressions recorded."""
    adapter = get_adapter()
    if track:
        tracking.record_impressions(shopper, view, placement, result)
    return [
        {
            "product_id": r.product_id,
            "name": adapter.product_name(r.product),
            "url": adapter.product_url(r.product),
            # Following the link pings the click URL (<a ping>, a POST the browser sends).
            "ping": tracking.click_url(view, r.product_id) if track else "",
            "price": adapter.product_price(r.product),
            "currency": adapter.product_currency(r.product),
            "reason": r.reason,
            "score": r.score,
        }
        for r in result.items
        if r.product is not None
    ]


@require_GET
def recommendations_block(request: HttpRequest) -> HttpResponse:
    try:
        limit = min(max(int(request.GET.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    product_id = request.GET.get("product_id")
    product = available_product(product_id) if product_id else None
    placement = tracking.valid_placement(request.GET.get("placement")) or ""
    view = tracking.valid_view(request.GET.get("v")) or ""
    polled = bool(request.GET.get("polled"))
    context = block_context(request, product, limit, polled, placement, view)
    return render(request, "django_llmshop/recommend/block.html", context)


@require_GET
def bought_together_block(request: HttpRequest) -> HttpResponse:
    """The "frequently bought together" block of one product (``?product_id=`` required)."""
    product_id = request.GET.get("product_id")
    product = available_product(product_id) if product_id else None
    if product is None:
        return HttpResponseBadRequest(_("Give the id of an available product."))
    try:
        limit = min(max(int(request.GET.get("limit", DEFAULT_LIMIT)), 1), MAX_LIMIT)
    except ValueError:
        limit = DEFAULT_LIMIT
    placement = tracking.valid_placement(request.GET.get("placement")) or together.PLACEMENT
    track = bool(llmshop_settings.RECOMMEND_TRACKING)
    shopper = as_shopper(request, create=track)
    result = Served(together.bought_together(product, limit), False, "", together.VERSION)
    items = shown_items(result, shopper, placement, tracking.new_view(), track)
    context = {"items": items, "title": _("Frequently bought together"), "title_id": placement}
    return render(request, "django_llmshop/recommend/block.html", context)


@csrf_exempt  # a ping or sendBeacon() POST carries no token; a click only counts once
@require_http_methods(["GET", "POST"])
def recommendation_click(request: HttpRequest) -> HttpResponse:
    """Record a click on a shown product: POST (the link's ping) answers 204, GET redirects to
    the product, for a shop that would rather link through this URL."""
    # A ping names both in its URL; a sendBeacon() may post them as a form instead.
    view = tracking.valid_view(request.GET.get("v") or request.POST.get("v"))
    product_id = tracking.valid_product_id(request.GET.get("p") or request.POST.get("p"))
    if view is None or product_id is None:
        return HttpResponseBadRequest(_("A click needs the block view and a product id."))
    wait = throttle_wait(request, EVENT_THROTTLES)
    if wait is not None:
        response = HttpResponse(_("Too many events; please slow down."), status=429)
        response["Retry-After"] = str(max(1, round(wait)))
        return response
    if tracking.record_click(view, product_id) is None:
        return HttpResponseNotFound(_("That block view did not show this product."))
    if request.method == "POST":
        return HttpResponse(status=204)
    product = get_adapter().products_by_id([product_id]).get(product_id)
    if product is None:
        return HttpResponseNotFound(_("No such product is available."))
    return HttpResponseRedirect(get_adapter().product_url(product))


urlpatterns = [
    path("recommendations/block/", recommendations_block, name="recommend-block"),
    path("recommendations/click/", recommendation_click, name="recommend-click"),
    path("recommendations/together/", bought_together_block, name="recommend-together"),
]
