"""A ShopAdapter for a django-oscar-style catalog: ``title``, EAV attributes, stock records.

Oscar keeps a product's facts as attribute values (``product.attribute_values``, each with an
``attribute`` that has a ``name`` and a ``code``), its categories in a many-to-many relation,
and its price and stock on ``stockrecords``. Point the settings at it::

    LLMSHOP = {
        "PRODUCT_MODEL": "catalogue.Product",
        "REVIEW_MODEL": "reviews.ProductReview",
        "ORDER_MODEL": "order.Order",
        "ADAPTER": "myshop.llmshop_adapter.OscarAdapter",
        "PRODUCT_FIELDS": {"name": "title", "category": None, "price": None, "currency": None,
                           "attributes": None, "stock": None, "is_active": "is_public",
                           "seo_title": "meta_title", "seo_description": "meta_description"},
        "REVIEW_FIELDS": {"rating": "score", "title": "title", "body": "body"},
    }
"""

from __future__ import annotations

from typing import Any

from django_llmshop.adapters import ShopAdapter


class OscarAdapter(ShopAdapter):
    def product_category(self, product: Any) -> str:
        categories = [str(c) for c in product.categories.all()]
        return ", ".join(categories)

    def product_attributes(self, product: Any) -> dict[str, Any]:
        facts: dict[str, Any] = {}
        for value in product.attribute_values.all():
            facts[value.attribute.name] = value.value
        return facts

    def _stockrecord(self, product: Any) -> Any:
        return product.stockrecords.first()

    def product_price(self, product: Any) -> str:
        record = self._stockrecord(product)
        return "" if record is None or record.price is None else str(record.price)

    def product_currency(self, product: Any) -> str:
        record = self._stockrecord(product)
        return getattr(record, "price_currency", "") or super().product_currency(product)

    def product_stock(self, product: Any) -> int | None:
        record = self._stockrecord(product)
        if record is None or record.num_in_stock is None:
            return None
        return int(record.num_in_stock) - int(record.num_allocated or 0)
