"""Template tags of django-llmshop: ``{% load llmshop %}`` then ``{% llmshop_chat %}``,
``{% llmshop_review_summary product %}``, ``{% llmshop_recommendations product=product %}``,
``{% llmshop_track product %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.apps import apps
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def llmshop_chat(context: template.Context) -> str:
    """The floating support chat; needs ``django_llmshop.support`` and the request in context."""
    request = context.get("request")
    if request is None or not apps.is_installed("django_llmshop.support"):
        return ""
    from django_llmshop.support.views import widget_context

    data: dict[str, Any] = widget_context(request)
    data["csrf_token"] = context.get("csrf_token", "")
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string("django_llmshop/support/widget.html", data, request=request)
    )


@register.simple_tag(takes_context=True)
def llmshop_review_summary(context: template.Context, product: Any) -> str:
    """The published "what customers say" summary of ``product`` in the current language."""
    if product is None or not apps.is_installed("django_llmshop.content"):
        return ""
    from django.utils.translation import get_language

    from django_llmshop.content.views import published_review_summary

    draft = published_review_summary(product, get_language() or "en")
    if draft is None:
        return ""
    parts = draft.parts or {}
    data = {
        "draft": draft,
        "product": product,
        "summary": str(parts.get("summary", "")),
        "pros": [str(item) for item in parts.get("pros", []) if str(item).strip()],
        "cons": [str(item) for item in parts.get("cons", []) if str(item).strip()],
        "review_count": parts.get("review_count"),
    }
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string(
            "django_llmshop/content/review_summary.html", data, request=context.get("request")
        )
    )


@register.simple_tag(takes_context=True)
def llmshop_recommendations(
    context: template.Context, product: Any = None, limit: int = 4, track: bool = True
) -> str:
    """A block of recommendations for this shopper, loaded with htmx once the page is shown.

    With ``product`` (the page's product) it counts as the most recent item and, unless
    ``track=False``, its view is recorded.
    """
    if not apps.is_installed("django_llmshop.recommend"):
        return ""
    from django_llmshop.recommend.tags import lazy_context

    data = lazy_context(product, int(limit), context.get("csrf_token", ""))
    if not track:
        data.pop("track_url", None)
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string("django_llmshop/recommend/lazy.html", data, request=context.get("request"))
    )


@register.simple_tag(takes_context=True)
def llmshop_track(context: template.Context, product: Any) -> str:
    """A beacon that records the shopper's view of ``product`` (needs htmx on the page)."""
    if product is None or not apps.is_installed("django_llmshop.recommend"):
        return ""
    from django_llmshop.recommend.tags import track_context

    data = track_context(product, context.get("csrf_token", ""))
    return (  # render_to_string gives safe HTML: the template escapes what it renders
        render_to_string(
            "django_llmshop/recommend/track.html", data, request=context.get("request")
        )
    )
