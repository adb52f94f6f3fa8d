"""The reviews part of the adapter: a product's reviews, for the "customers say" summary."""

from __future__ import annotations

from typing import Any

from django.db import models

from django_llmshop.adapters.base import AdapterBase
from django_llmshop.adapters.records import ProductReview
from django_llmshop.conf import llmshop_settings


class ReviewsAdapter(AdapterBase):
    """Reads ``REVIEW_MODEL`` rows through ``REVIEW_FIELDS``."""

    def product_reviews(
        self, product: models.Model, limit: int | None = None
    ) -> list[ProductReview]:
        """The product's reviews, newest first (needs ``REVIEW_MODEL``)."""
        model = self.review_model()
        if model is None:
            return []
        queryset = self._reviews_of(model, product)
        if limit is not None:
            queryset = queryset[:limit]
        return [self._review_record(review) for review in queryset]

    def _reviews_of(self, model: type[models.Model], product: models.Model) -> models.QuerySet[Any]:
        """The review rows :meth:`product_reviews` reads, in its order."""
        relation = llmshop_settings.REVIEW_FIELDS.get("product") or "product"
        return model._default_manager.filter(**{relation: product}).order_by("-pk")

    def _review_record(self, review: Any) -> ProductReview:
        """One review row as a record, read through ``REVIEW_FIELDS``."""
        rating, title, body = (
            llmshop_settings.REVIEW_FIELDS.get(k) for k in ("rating", "title", "body")
        )
        return ProductReview(
            rating=int(getattr(review, rating)) if rating else None,
            title=str(getattr(review, title, "") or "") if title else "",
            body=str(getattr(review, body, "") or "") if body else str(review),
        )
