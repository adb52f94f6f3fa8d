"""ShopAdapter: the one place that knows the host shop's Product, Order and Review models.

Shops whose models differ from the defaults subclass it and point ``LLMSHOP["ADAPTER"]`` at
the subclass; everything else in the package goes through :func:`get_adapter`.
"""

from __future__ import annotations

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
