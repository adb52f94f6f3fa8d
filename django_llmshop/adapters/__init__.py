"""ShopAdapter: the one place that knows the host shop's Product, Order and Review models.

Shops whose models differ from the defaults subclass it and point ``LLMSHOP["ADAPTER"]`` at
the subclass; everything else in the package goes through :func:`get_adapter`.

The adapter is made of one part per concern, each in its own module, so that a shop can read
and override just the part it needs:

======================================  ==============================================
:class:`~.base.AdapterBase`             the host's models, fields by role, shop name
:class:`~.catalog.CatalogAdapter`       product facts and texts, writing texts, search
:class:`~.languages.LanguagesAdapter`   a text's field in each language, reading and writing it
:class:`~.reviews.ReviewsAdapter`       a product's reviews
:class:`~.orders.OrdersAdapter`         the shopper's own orders
:class:`~.history.OrderHistoryAdapter`  every past order in batches, best sellers
:class:`~.pages.PagesAdapter`           help pages for the knowledge base
:class:`~.recommendations.RecommendationsAdapter`  products in bulk, the catalog as text
======================================  ==============================================
"""

from __future__ import annotations

from django_llmshop.adapters.base import AdapterBase
from django_llmshop.adapters.catalog import CatalogAdapter
from django_llmshop.adapters.history import OrderHistoryAdapter
from django_llmshop.adapters.languages import LanguagesAdapter, UnmappedLanguage
from django_llmshop.adapters.orders import OrdersAdapter
from django_llmshop.adapters.pages import PagesAdapter
from django_llmshop.adapters.recommendations import RecommendationsAdapter
from django_llmshop.adapters.records import (
    KnowledgePage,
    PastOrder,
    ProductFacts,
    ProductReview,
)
from django_llmshop.adapters.reviews import ReviewsAdapter
from django_llmshop.conf import llmshop_settings, on_reload

__all__ = [
    "AdapterBase",
    "CatalogAdapter",
    "KnowledgePage",
    "LanguagesAdapter",
    "OrderHistoryAdapter",
    "OrdersAdapter",
    "PagesAdapter",
    "PastOrder",
    "ProductFacts",
    "ProductReview",
    "RecommendationsAdapter",
    "ReviewsAdapter",
    "ShopAdapter",
    "UnmappedLanguage",
    "get_adapter",
]


class ShopAdapter(
    OrdersAdapter,
    OrderHistoryAdapter,
    RecommendationsAdapter,
    ReviewsAdapter,
    PagesAdapter,
    LanguagesAdapter,
):
    """Reads and writes the host shop's models. Override methods to fit another schema."""


_adapter: ShopAdapter | None = None


def get_adapter() -> ShopAdapter:
    """The configured adapter instance (built once per settings reload)."""
    global _adapter
    if _adapter is None:
        _adapter = llmshop_settings.ADAPTER()
    return _adapter


@on_reload
def _forget_adapter() -> None:
    global _adapter
    _adapter = None
