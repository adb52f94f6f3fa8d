"""Retention: old shopper events and retired models are deleted (the purge task runs this)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from django_llmshop.conf import llmshop_settings
from django_llmshop.recommend.models import ShopperEvent, TrainedModel


def purge_events(now: datetime | None = None) -> int:
    """Delete events older than ``RECOMMEND_EVENT_RETENTION_DAYS``, and retired models."""
    days = int(llmshop_settings.RECOMMEND_EVENT_RETENTION_DAYS)
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = ShopperEvent.objects.filter(created__lt=cutoff).delete()
    TrainedModel.objects.filter(
        status__in=[TrainedModel.Status.RETIRED, TrainedModel.Status.FAILED]
    ).delete()
    return deleted
