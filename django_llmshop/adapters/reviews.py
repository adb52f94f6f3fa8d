"""The reviews part of the adapter: a product's reviews, for the "customers say" summary."""

from __future__ import annotations

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
