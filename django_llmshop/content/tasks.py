"""Celery tasks of the content sub-app: thin wrappers over :mod:`.generation`, and their queueing.

Route ``llmshop.content.*`` to a prefork worker; each chunk runs many model calls at once. The
services queue work through :func:`enqueue_chunk` and :func:`enqueue_regeneration`, so this
module imports no service when it loads (no import circle).
"""

from __future__ import annotations

from celery import shared_task

from django_llmshop import sweeper
from django_llmshop.content.generation import Item, regenerate_one, run_items
from django_llmshop.queueing import enqueue_on_commit
from django_llmshop.taskretry import retry_on_transient_db_errors


@shared_task(
    name="llmshop.content.generate_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
@retry_on_transient_db_errors
def generate_chunk(job_id: int, items: list[list[object]]) -> None:
    """Generate one chunk of a job; safe to run twice (drafts are claimed per item)."""
    run_items(job_id, [Item(str(p), str(lang), int(str(v))) for p, lang, v in items])


@shared_task(
    name="llmshop.content.regenerate",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
@retry_on_transient_db_errors
def regenerate(draft_id: int) -> None:
    regenerate_one(draft_id)


@shared_task(
    name="llmshop.content.resume_stale_jobs",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
@retry_on_transient_db_errors
def resume_stale_jobs() -> None:
    """Periodic (every few minutes): resume jobs whose worker died.

    Runs ``services.resume_stale_jobs`` through the sweeper, where the content app registers it:
    the services queue this module's tasks, so this module does not import them back."""
    sweeper.sweep(only="content_jobs")


def enqueue_chunk(job_id: int, items: list[list[object]]) -> None:
    """Send one chunk of a job to a worker once the current transaction commits."""
    enqueue_on_commit(generate_chunk, job_id, items)


def enqueue_regeneration(draft_id: int) -> None:
    """Send a draft's regeneration to a worker once the current transaction commits."""
    enqueue_on_commit(regenerate, draft_id)
