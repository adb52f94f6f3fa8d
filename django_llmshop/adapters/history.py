"""The order-history part of the adapter: every past order in batches, and best sellers.

The recommendations read it to import a shop's past orders as shopper events
(``manage.py llmshop_import_history``), to serve a shop that has not trained a model yet, and
for "frequently bought together". The defaults read ``ORDER_MODEL`` and its lines through the
class attributes below, which fit the example shop; another schema sets the attributes or
overrides the methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db import models
from django.db.models import Count, Q

from django_llmshop.adapters.base import AdapterBase
from django_llmshop.adapters.records import PastOrder


class OrderHistoryAdapter(AdapterBase):
    """Reads every shopper's past orders, a batch at a time, never all at once."""

    #: ORDER_MODEL's buyer, its date placed, the reverse name of its lines and, on a line,
    #: the product. ``order_history_guest_field`` ("" for none) keys a guest's orders.
    order_history_user_field = "user"
    order_history_date_field = "placed_at"
    order_history_lines = "items"
    order_history_line_product_field = "product"
    order_history_guest_field = ""
    #: Orders whose ``status`` (when the model has one) is one of these are not history.
    order_history_excluded_statuses: tuple[str, ...] = ("cancelled", "canceled")

    def past_orders(self, since: datetime | None = None) -> models.QuerySet[Any] | None:
        """The orders that count as history (placed on or after ``since``), or None when the
        shop has no ORDER_MODEL. Override to leave out more (test orders, another site)."""
        model = self.order_model()
        if model is None:
            return None
        queryset = model._default_manager.all()
        date_field = self.order_history_date_field
        if since is not None:
            if not (date_field and self._has_field(model, date_field)):
                raise ImproperlyConfigured(
                    f"{model._meta.label} has no date field {date_field!r} to read orders "
                    "since a date: set order_history_date_field on the shop's adapter."
                )
            queryset = queryset.filter(**{f"{date_field}__gte": since})
        if self._has_field(model, "status"):
            for status in self.order_history_excluded_statuses:
                queryset = queryset.exclude(status__iexact=status)
        return queryset

    def order_history_count(self, since: datetime | None = None) -> int | None:
        """How many orders :meth:`order_history` yields (for a progress bar), or None."""
        queryset = self.past_orders(since)
        return None if queryset is None else queryset.count()

    def order_history(
        self, since: datetime | None = None, batch_size: int = 1000
    ) -> Iterator[list[PastOrder]]:
        """Every past order, oldest key first, in lists of at most ``batch_size``.

        Reads two queries a batch (the orders after the last key seen, then their lines), so
        memory stays bounded by the batch whatever the number of orders.
        """
        queryset = self.past_orders(since)
        if queryset is None:
            return
        self._check_history_fields()
        names = {
            "pk": "pk",
            "user_id": self.order_history_user_field,
            "placed_at": self.order_history_date_field,
            "guest": self.order_history_guest_field,
        }
        names = {key: name for key, name in names.items() if name}
        last: Any = None
        while True:
            page = queryset.order_by("pk")
            if last is not None:
                page = page.filter(pk__gt=last)
            rows = list(page.values(*names.values())[:batch_size])
            if not rows:
                return
            last = rows[-1]["pk"]
            lines = self._order_lines([row["pk"] for row in rows])
            yield [
                PastOrder(
                    order_id=str(row["pk"]),
                    user_id=row.get(names.get("user_id", "")),
                    placed_at=row.get(names.get("placed_at", "")),
                    product_ids=lines.get(row["pk"], ()),
                    guest=str(row.get(names.get("guest", "")) or ""),
                )
                for row in rows
            ]

    def _check_history_fields(self) -> None:
        """ImproperlyConfigured naming the attribute to set when a field is not on the model."""
        model = self.order_model()
        assert model is not None
        for attribute in ("order_history_user_field", "order_history_date_field",
                          "order_history_guest_field", "order_history_lines"):  # fmt: skip
            name = getattr(self, attribute)
            if name and not self._has_field(model, name):
                raise ImproperlyConfigured(
                    f"{model._meta.label} has no field {name!r}: set {attribute} on the shop's "
                    'adapter ("" when the orders have none) to read its order history.'
                )
        if self._lines_relation() is None:
            raise ImproperlyConfigured(
                f"{model._meta.label}.{self.order_history_lines} is not the order's lines: set "
                "order_history_lines (and order_history_line_product_field) on the adapter."
            )

    def _lines_relation(self) -> tuple[type[models.Model], str] | None:
        """The line model and the name of its foreign key to the order (None: not found)."""
        model = self.order_model()
        if model is None or not self._has_field(model, self.order_history_lines):
            return None
        relation = model._meta.get_field(self.order_history_lines)
        line_model = relation.related_model
        if not (relation.one_to_many and isinstance(line_model, type)):
            return None
        assert issubclass(line_model, models.Model)
        if not self._has_field(line_model, self.order_history_line_product_field):
            return None
        return line_model, relation.field.name  # type: ignore[union-attr]

    def _order_lines(self, order_ids: list[Any]) -> dict[Any, tuple[str, ...]]:
        relation = self._lines_relation()
        assert relation is not None  # checked by _check_history_fields
        line_model, order_field = relation
        product = self.order_history_line_product_field
        rows = (
            line_model._default_manager.filter(**{f"{order_field}__in": order_ids})
            .exclude(**{f"{product}__isnull": True})
            .order_by(order_field, "pk")
            .values_list(order_field, product)
        )
        found: dict[Any, dict[str, None]] = {}
        for order_id, product_id in rows:
            found.setdefault(order_id, {})[str(product_id)] = None
        return {order_id: tuple(products) for order_id, products in found.items()}

    def best_selling(self, limit: int = 100) -> list[tuple[str, int]]:
        """``(product id, orders)`` of the products in the most past orders, most first; none
        when the adapter cannot find the orders' lines."""
        history = self._history_lines(limit)
        if history is None:
            return []
        lines, order_field, orders = history
        return self._most_ordered(
            lines.filter(**{f"{order_field}__in": orders}), order_field, limit
        )

    def bought_together(self, product_id: Any, limit: int = 10) -> list[tuple[str, int]]:
        """``(product id, orders)`` of the products most often in the same past order as
        ``product_id`` (itself left out), most first: one grouped query over the lines."""
        history = self._history_lines(limit)
        if history is None:
            return []
        lines, order_field, orders = history
        product = self.order_history_line_product_field
        with_it = lines.filter(Q(**{product: product_id}), **{f"{order_field}__in": orders}).values(
            order_field
        )
        others = lines.filter(**{f"{order_field}__in": with_it}).exclude(**{product: product_id})
        return self._most_ordered(others, order_field, limit)

    def _history_lines(
        self, limit: int
    ) -> tuple[models.QuerySet[Any], str, models.QuerySet[Any]] | None:
        """Every order line, the name of its order field and the past orders' keys, for the
        rankings above; None when there is nothing to rank."""
        queryset = self.past_orders()
        relation = self._lines_relation()
        if queryset is None or relation is None or limit <= 0:
            return None
        line_model, order_field = relation
        return line_model._default_manager.all(), order_field, queryset.values("pk")

    def _most_ordered(
        self, lines: models.QuerySet[Any], order_field: str, limit: int
    ) -> list[tuple[str, int]]:
        """``(product id, orders)`` of the products of ``lines`` in the most orders
        (``order_field``: the lines' foreign key to their order)."""
        product = self.order_history_line_product_field
        rows = (
            lines.exclude(**{f"{product}__isnull": True})
            .values(product)
            .annotate(orders=Count(order_field, distinct=True))
            .order_by("-orders", product)
            .values_list(product, "orders")[:limit]
        )
        return [(str(product_id), int(n)) for product_id, n in rows]

    @staticmethod
    def _has_field(model: type[models.Model], name: str) -> bool:
        try:
            model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return True
