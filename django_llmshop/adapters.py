"""ShopAdapter: the one place that knows the host shop's Product, Order and Review models.

Shops whose models differ from the defaults subclass it and point ``LLMSHOP["ADAPTER"]`` at
the subclass; everything else in the package goes through :func:`get_adapter`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models

from django_llmshop.conf import llmshop_settings, on_reload


class ShopAdapter:
    """Reads and writes the host shop's models. Override methods to fit another schema."""

    def product_model(self) -> type[models.Model]:
        return apps.get_model(llmshop_settings.PRODUCT_MODEL)

    def order_model(self) -> type[models.Model] | None:
        label = llmshop_settings.ORDER_MODEL
        return apps.get_model(label) if label else None

    def review_model(self) -> type[models.Model] | None:
        label = llmshop_settings.REVIEW_MODEL
        return apps.get_model(label) if label else None

    def get_product(self, product_id: Any) -> models.Model:
        """The product with this primary key (raises the model's DoesNotExist)."""
        return self.product_model()._default_manager.get(pk=product_id)

    # --- product facts and texts (content generation, fact check, chat) -----------------------

    def field_name(self, role: str) -> str | None:
        """The host field that plays ``role`` ("name", "description", ...), or None."""
        value = llmshop_settings.PRODUCT_FIELDS.get(role)
        return str(value) if value else None

    def _value(self, product: models.Model, role: str, default: Any = None) -> Any:
        name = self.field_name(role)
        if not name:
            return default
        value: Any = product
        for part in name.split("__"):  # "category__name" follows relations
            value = getattr(value, part, None)
            if value is None:
                return default
        return value() if callable(value) else value

    def product_name(self, product: models.Model) -> str:
        return str(self._value(product, "name", "") or product)

    def product_category(self, product: models.Model) -> str:
        category = self._value(product, "category")
        return "" if category is None else str(category)

    def product_attributes(self, product: models.Model) -> dict[str, Any]:
        """The product's facts as a flat dict, e.g. ``{"capacity": "750 ml"}``."""
        value = self._value(product, "attributes", {})
        return dict(value) if isinstance(value, dict) else {}

    def product_price(self, product: models.Model) -> str:
        price = self._value(product, "price")
        return "" if price is None else str(price)

    def product_currency(self, product: models.Model) -> str:
        return str(self._value(product, "currency", "") or llmshop_settings.CURRENCY)

    def product_stock(self, product: models.Model) -> int | None:
        stock = self._value(product, "stock")
        return None if stock is None else int(stock)

    def product_is_available(self, product: models.Model) -> bool:
        return bool(self._value(product, "is_active", True))

    def product_url(self, product: models.Model) -> str:
        getter = getattr(product, "get_absolute_url", None)
        return str(getter()) if callable(getter) else ""

    def product_reviews(
        self, product: models.Model, limit: int | None = None
    ) -> list[ProductReview]:
        """The product's reviews, newest first (needs ``REVIEW_MODEL``)."""
        model = self.review_model()
        if model is None:
            return []
        rating, title, body = (
            llmshop_settings.REVIEW_FIELDS.get(k) for k in ("rating", "title", "body")
        )
        relation = llmshop_settings.REVIEW_FIELDS.get("product") or "product"
        queryset = model._default_manager.filter(**{relation: product}).order_by("-pk")
        if limit is not None:
            queryset = queryset[:limit]
        return [
            ProductReview(
                rating=int(getattr(review, rating)) if rating else None,
                title=str(getattr(review, title, "") or "") if title else "",
                body=str(getattr(review, body, "") or "") if body else str(review),
            )
            for review in queryset
        ]

    def get_text(self, product: models.Model, role: str) -> str:
        """The current text of a writable field (description, seo_title, ...)."""
        return str(self._value(product, role, "") or "")

    def set_texts(self, product: models.Model, texts: dict[str, str]) -> None:
        """Write generated texts into the host's fields, by role, and save only those."""
        names = []
        for role, text in texts.items():
            name = self.field_name(role)
            if not name or "__" in name:
                raise ValueError(f"The product field for {role!r} is not writable.")
            setattr(product, name, text)
            names.append(name)
        product.save(update_fields=names)

    def texts_fingerprint(self, product: models.Model, roles: list[str]) -> str:
        """A hash of the current texts of ``roles``: tells whether the merchant edited them."""
        current = {role: self.get_text(product, role) for role in sorted(roles)}
        return hashlib.sha256(json.dumps(current, sort_keys=True).encode()).hexdigest()

    def product_facts(self, product: models.Model) -> ProductFacts:
        return ProductFacts(
            product_id=str(product.pk),
            name=self.product_name(product),
            category=self.product_category(product),
            price=self.product_price(product),
            currency=self.product_currency(product),
            attributes=self.product_attributes(product),
            stock=self.product_stock(product),
            description=self.get_text(product, "description"),
            url=self.product_url(product),
        )


@dataclass(frozen=True)
class ProductReview:
    rating: int | None
    title: str
    body: str


@dataclass(frozen=True)
class ProductFacts:
    """What the shop's record says about a product: the ground truth for generated text."""

    product_id: str
    name: str
    category: str
    price: str
    currency: str
    attributes: dict[str, Any] = field(default_factory=dict)
    stock: int | None = None
    description: str = ""
    url: str = ""


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
