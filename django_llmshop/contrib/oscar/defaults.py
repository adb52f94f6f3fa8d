"""Settings for a django-oscar shop, importable from a settings module (plain data only).

::

    from django_llmshop.contrib.oscar.defaults import LLMSHOP_APPS, LLMSHOP_OSCAR

    INSTALLED_APPS += LLMSHOP_APPS
    LLMSHOP = {**LLMSHOP_OSCAR, "ENDPOINTS": {...}}

This module imports nothing from Django, so a settings module can import it before Django is
configured, as it does ``oscar.defaults``.
"""

from __future__ import annotations

from typing import Any

#: The apps to add after Oscar's: the core, the three features and this integration. Leave
#: out a feature you do not want; ``django_llmshop`` and this app stay.
LLMSHOP_APPS: list[str] = [
    "django_htmx",
    "rest_framework",
    "django_llmshop",
    "django_llmshop.content",
    "django_llmshop.support",
    "django_llmshop.recommend",
    "django_llmshop.contrib.oscar",
]

#: ``LLMSHOP`` keys that point the package at Oscar's models and at the Oscar adapter.
LLMSHOP_OSCAR: dict[str, Any] = {
    "PRODUCT_MODEL": "catalogue.Product",
    "ORDER_MODEL": "order.Order",
    "REVIEW_MODEL": "reviews.ProductReview",
    # Oscar's flat pages (policies, FAQ) are what the chat answers shop questions from.
    "PAGE_MODEL": "flatpages.FlatPage",
    "ADAPTER": "django_llmshop.contrib.oscar.adapter.OscarAdapter",
    # Roles read through the adapter's own methods (strategy prices, categories, attributes)
    # are None here; the text roles are the fields content generation writes.
    "PRODUCT_FIELDS": {
        "name": "title",
        "category": None,
        "price": None,
        "currency": None,
        "attributes": None,
        "stock": None,
        "is_active": "is_public",
        "description": "description",
        "seo_title": "meta_title",
        "seo_description": "meta_description",
    },
    "REVIEW_FIELDS": {"product": "product", "rating": "score", "title": "title", "body": "body"},
}
