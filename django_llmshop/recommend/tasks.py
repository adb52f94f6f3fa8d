"""Celery tasks of the recommendations: thin wrappers over the services (no Celery app here).

Training (hourly) and the purge (daily) are in :func:`django_llmshop.schedule.beat_schedule`,
registered by :mod:`.apps`.
"""

from __future__ import annotations

from celery import shared_task

from django_llmshop.queueing import enqueue_on_commit
from django_llmshop.taskretry import retry_on_transient_db_errors

TRAIN = "llmshop.recommend.train"
PURGE = "llmshop.recommend.purge_events"
RERANK = "llmshop.recommend.rerank"


@shared_task(name=TRAIN, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@retry_on_transient_db_errors
def train_task() -> int:
    """Train a model from all events and make it the one served; returns its id."""
    from django_llmshop.recommend.training import train

    return int(train().pk)


@shared_task(name=PURGE, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@retry_on_transient_db_errors
def purge_events_task() -> int:
    """Delete events past ``RECOMMEND_EVENT_RETENTION_DAYS`` and retired models."""
    from django_llmshop.recommend.retention import purge_events

    return purge_events()


@shared_task(name=RERANK, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@retry_on_transient_db_errors
def rerank_task(key: str, history: list[str], candidate_ids: list[str], language: str) -> bool:
    """Re-rank one shopper's candidates with the model; idempotent by the cache key."""
    from django.utils import translation

    from django_llmshop.recommend.rerank import rerank

    with translation.override(language):
        return rerank(key, history, candidate_ids, language)


def enqueue_rerank(key: str, history: list[str], candidate_ids: list[str], language: str) -> None:
    """Send the re-rank task once the current transaction commits."""
    enqueue_on_commit(rerank_task, key, history, candidate_ids, language)


def enqueue_training() -> None:
    """Send the training task once the current transaction commits."""
    enqueue_on_commit(train_task)
