"""The recommendations part of the adapter: products by id and the catalog as text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models

from django_llmshop.adapters.catalog import CatalogAdapter


class RecommendationsAdapter(CatalogAdapter):
    """What the recommender reads: products in bulk, and every available product's text."""

    def products_by_id(self, product_ids: Iterable[Any]) -> dict[str, models.Model]:
        """The products with these primary keys in one query, keyed by ``str(pk)``; unknown or
        malformed ids are left out. Callers still ask :meth:`product_is_available`."""
        model = self.product_model()
        pk_field = model._meta.pk
        keys = []
        for product_id in product_ids:
            try:
                keys.append(pk_field.to_python(product_id) if pk_field else product_id)
            except ValidationError:
                continue
        queryset = model._default_manager.all()
        relation = self._category_relation()
        if relation:
            queryset = queryset.select_related(relation)
        return {str(pk): product for pk, product in queryset.in_bulk(keys).items()}

    def _category_relation(self) -> str | None:
        name = self.field_name("category")
        first = name.split("__")[0] if name else None
        if not first:
            return None
        try:
            field = self.product_model()._meta.get_field(first)
        except FieldDoesNotExist:
            return None
        return first if field.is_relation else None

    def recommendation_catalog(self) -> Iterator[tuple[str, str, str]]:
        """``(product id, text, category)`` of every available product, for the content
        similarity that gives products without history their neighbours."""
        queryset = self.product_model()._default_manager.all().order_by("pk")
        relation = self._category_relation()
        if relation:
            queryset = queryset.select_related(relation)
        for product in queryset.iterator(chunk_size=2000):
            if not self.product_is_available(product):
                continue
            category = self.product_category(product)
            text = " ".join((self.product_name(product), self.get_text(product, "description")))
            yield str(product.pk), f"{text} {category}", category
