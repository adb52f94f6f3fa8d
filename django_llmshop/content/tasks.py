"""Celery tasks of the content sub-app: thin wrappers over :mod:`.generation` and :mod:`.services`.

Route ``llmshop.content.*`` to a prefork worker; each chunk runs many model calls at once.
"""

from __future__ import annotations

from celery import shared_task

from django_llmshop.content import services
from django_llmshop.content.generation import Item, regenerate_one, run_items


@shared_task(
    name="llmshop.content.generate_chunk",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def generate_chunk(job_id: int, items: list[list[object]]) -> None:
    """Generate one chunk of a job; safe to run twice (drafts are claimed per item)."""
    run_items(job_id, [Item(str(p), str(lang), int(str(v))) for p, lang, v in items])


@shared_task(
    name="llmshop.content.regenerate",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def regenerate(draft_id: int) -> None:
    regenerate_one(draft_id)


@shared_task(
    name="llmshop.content.resume_stale_jobs",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def resume_stale_jobs() -> None:
    """Periodic (every few minutes): resume jobs whose worker died."""
    services.resume_stale_jobs()
