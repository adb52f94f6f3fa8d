"""Celery tasks of the core app (thin wrappers; the package never creates a Celery app)."""

from __future__ import annotations

from datetime import datetime, timedelta

from celery import shared_task
from django.utils import timezone

from django_llmshop import sweeper
from django_llmshop.conf import llmshop_settings
from django_llmshop.models import LLMCall


def purge_call_log(now: datetime | None = None) -> int:
    """Delete call-log rows older than ``CALL_LOG_RETENTION_DAYS``; returns how many went."""
    days = llmshop_settings.CALL_LOG_RETENTION_DAYS
    if days is None:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted, _ = LLMCall.objects.filter(created_at__lt=cutoff).delete()
    return deleted


@shared_task(name="llmshop.purge_call_log", acks_late=True, reject_on_worker_lost=True)
def purge_call_log_task() -> int:
    """Periodic: run daily from the shop's beat schedule."""
    return purge_call_log()


@shared_task(name="llmshop.sweep", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def sweep_task() -> dict[str, int]:
    """Periodic (every minute): finish replies and jobs whose worker died."""
    return sweeper.sweep()
