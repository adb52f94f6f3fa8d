"""Storefront reads of generated content: what a shopper's page shows, published only."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from django_llmshop.content.models import Draft, Kind


def published_review_summary(product: models.Model | None, language: str) -> Draft | None:
    """The review summary published for ``product`` in ``language`` (or its base language)."""
    if product is None or product.pk is None:
        return None
    candidates = list(dict.fromkeys([language.lower(), language.lower().split("-")[0]]))
    drafts = Draft.objects.filter(
        product_type=ContentType.objects.get_for_model(product),
        product_id=str(product.pk),
        kind=Kind.REVIEW_SUMMARY,
        status=Draft.Status.PUBLISHED,
        language__in=candidates,
    ).order_by("-reviewed_at", "-pk")
    by_language = {draft.language: draft for draft in reversed(list(drafts))}
    return next((by_language[code] for code in candidates if code in by_language), None)
