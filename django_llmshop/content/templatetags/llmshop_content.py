"""Template tags of generated content: ``{% load llmshop_content %}`` then
``{% llmshop_review_summary product %}`` and
``{% llmshop_description product product.description as description %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.translation import get_language

from django_llmshop.adapters import UnmappedLanguage, get_adapter
from django_llmshop.content.experiments import description_for
from django_llmshop.content.selectors import published_review_summary

register = template.Library()


@register.simple_tag(takes_context=True)
def llmshop_review_summary(context: template.Context, product: Any) -> str:
    """The published "what customers say" summary of ``product`` in the current language."""
    if product is None:
        return ""
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
def llmshop_description(context: template.Context, product: Any, current: Any = None) -> str:
    """The description this shopper sees: ``current`` (the product's text, as the template
    renders it), or in a running experiment's generated arm the draft in the same form.

    Use it with ``as`` and render the variable exactly as before, e.g.
    ``{{ description|linebreaks }}``: the value is text, never marked safe.
    """
    if product is None:
        return "" if current is None else str(current)
    language = get_language() or "en"
    if current is None:
        adapter = get_adapter()
        try:
            current = adapter.get_text_in(product, "description", language)
        except UnmappedLanguage:
            current = adapter.get_text(product, "description")
    return description_for(context.get("request"), product, language, str(current)).text
