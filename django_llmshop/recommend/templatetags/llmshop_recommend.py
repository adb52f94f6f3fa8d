"""Template tags of the recommendations: ``{% load llmshop_recommend %}`` then
``{% llmshop_recommendations product=product %}``, ``{% llmshop_bought_together product %}``
and ``{% llmshop_track product %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string

from django_llmshop.recommend.tags import lazy_context, together_context, track_context

register = template.Library()


@register.simple_tag(takes_context=True)
def llmshop_recommendations(
    context: template.Context,
    product: Any = None,
    limit: int = 4,
    track: bool = True,
    placement: str = "",
) -> str:
    """A block of recommendations for this shopper, loaded with htmx once the page is shown.

    With ``product`` (the page's product) it counts as the most recent item and, unless
    ``track=False``, its view is recorded. ``placement`` names where the block is, for the
    recommendation tracking (``RECOMMEND_TRACKING``).
    """
    data = lazy_context(product, int(limit), context.get("csrf_token", ""), str(placement))
    if not track:
        data.pop("track_url", None)
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string("django_llmshop/recommend/lazy.html", data, request=context.get("request"))
    )


@register.simple_tag(takes_context=True)
def llmshop_bought_together(
    context: template.Context, product: Any = None, limit: int = 4, placement: str = ""
) -> str:
    """A "frequently bought together" block for ``product``, loaded with htmx like
    ``llmshop_recommendations``; it renders nothing when no product was ordered with it."""
    if product is None:
        return ""
    data = together_context(product, int(limit), str(placement))
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string("django_llmshop/recommend/lazy.html", data, request=context.get("request"))
    )


@register.simple_tag(takes_context=True)
def llmshop_track(context: template.Context, product: Any) -> str:
    """A beacon that records the shopper's view of ``product`` (needs htmx on the page)."""
    if product is None:
        return ""
    data = track_context(product, context.get("csrf_token", ""))
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string(
            "django_llmshop/recommend/track.html", data, request=context.get("request")
        )
    )
