"""Context of the recommendation template tags (in ``templatetags/llmshop_recommend.py``)."""

from __future__ import annotations

import json
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode


def track_context(product: Any, csrf_token: Any) -> dict[str, Any]:
    """A beacon that posts a "view" event for ``product`` once the page has loaded."""
    return {
        "track_url": reverse("llmshop:recommend-events"),
        "track_vals": json.dumps({"product_id": str(product.pk), "type": "view"}),
        "csrf_headers": json.dumps({"X-CSRFToken": str(csrf_token or "")}),
    }


def lazy_context(product: Any, limit: int, csrf_token: Any, placement: str = "") -> dict[str, Any]:
    """The placeholder that loads the recommendations block (and tracks the product view).

    ``placement`` names where the block is, for the impressions it records (letters, digits,
    ``-`` and ``_``; by default "product" on a product's page and "page" elsewhere).
    """
    query: dict[str, Any] = {"limit": limit}
    if placement:
        query["placement"] = placement
    context: dict[str, Any] = {}
    if product is not None:
        query["product_id"] = str(product.pk)
        context = track_context(product, csrf_token)
    context["url"] = f"{reverse('llmshop:recommend-block')}?{urlencode(query)}"
    return context


def together_context(product: Any, limit: int, placement: str = "") -> dict[str, Any]:
    """The placeholder that loads the "frequently bought together" block of ``product``."""
    query: dict[str, Any] = {"product_id": str(product.pk), "limit": limit}
    if placement:
        query["placement"] = placement
    return {"url": f"{reverse('llmshop:recommend-together')}?{urlencode(query)}"}
