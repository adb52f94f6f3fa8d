"""What every part of the adapter stands on: the host's models and its fields by role."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db import models

from django_llmshop.conf import llmshop_settings


class AdapterBase:
    """The host's Product, Order and Review models (``LLMSHOP``'s ``*_MODEL`` settings) and
    the product fields that play each role (``PRODUCT_FIELDS``)."""

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

    def shop_name(self) -> str:
        """How the support chat names the shop to the model."""
        return "our shop"
