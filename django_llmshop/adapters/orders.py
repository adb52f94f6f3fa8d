"""The orders part of the adapter: the shopper's own orders, for the support chat."""

from __future__ import annotations

from typing import Any

from django.db import models

from django_llmshop.adapters.catalog import CatalogAdapter
from django_llmshop.conf import llmshop_settings


class OrdersAdapter(CatalogAdapter):
    """Finds a shopper's own orders (never anyone else's) and says what the chat may tell."""

    #: Fields of ORDER_MODEL: its owner and the number shoppers know it by.
    order_user_field = "user"
    order_number_field = "number"

    def orders_for_user(self, user: Any, limit: int = 10) -> list[models.Model]:
        """The user's own orders, newest first; nobody else's, ever."""
        model = self.order_model()
        if model is None or user is None or not getattr(user, "is_authenticated", False):
            return []
        queryset = model._default_manager.filter(**{self.order_user_field: user})
        return list(queryset.order_by("-pk")[:limit])

    def get_order_for_user(self, user: Any, number: str) -> models.Model | None:
        """The user's own order with this number, or None (also for another shopper's order)."""
        model = self.order_model()
        if model is None or user is None or not getattr(user, "is_authenticated", False):
            return None
        return model._default_manager.filter(
            **{self.order_user_field: user, f"{self.order_number_field}__iexact": number}
        ).first()

    def order_summary(self, order: models.Model) -> dict[str, Any]:
        """What the chat may tell the order's owner about it."""
        items = getattr(order, "items", None)
        lines = []
        if items is not None:
            for item in items.all():
                product = getattr(item, "product", None)
                lines.append(
                    {
                        "product": self.product_name(product) if product is not None else "",
                        "quantity": getattr(item, "quantity", 1),
                        "unit_price": str(getattr(item, "unit_price", "")),
                    }
                )
        summary: dict[str, Any] = {"number": str(getattr(order, self.order_number_field))}
        for name in ("status", "carrier", "tracking_number", "placed_at", "shipped_at",
                     "delivered_at", "total"):  # fmt: skip
            value = getattr(order, name, None)
            if value not in (None, ""):
                display = getattr(order, f"get_{name}_display", None)
                summary[name] = str(display() if callable(display) else value)
        summary["items"] = lines
        summary["currency"] = llmshop_settings.CURRENCY
        getter = getattr(order, "get_absolute_url", None)
        summary["url"] = str(getter()) if callable(getter) else ""
        return summary
