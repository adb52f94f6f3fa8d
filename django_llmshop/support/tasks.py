"""Celery tasks of the support chat: thin wrappers over the services (no Celery app here)."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import transaction

from django_llmshop.conf import llmshop_settings
from django_llmshop.queueing import enqueue_on_commit
from django_llmshop.support.models import Conversation, ReplySuggestion
from django_llmshop.taskretry import retry_on_transient_db_errors

GENERATE_REPLY = "llmshop.support.generate_reply"


@shared_task(name=GENERATE_REPLY, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
@retry_on_transient_db_errors
def generate_reply_task(message_id: int) -> bool:
    """Generate an assistant reply; a redelivered task for a finished reply does nothing."""
    from django_llmshop.support.replies import generate_reply

    return generate_reply(message_id)


@shared_task(
    name="llmshop.support.index_document",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
@retry_on_transient_db_errors
def index_document_task(document_id: int) -> int:
    """Re-index one knowledge document (after it was saved)."""
    from django_llmshop.support.models import KnowledgeDocument
    from django_llmshop.support.retrieval import index_document

    document = KnowledgeDocument.objects.filter(pk=document_id).first()
    return 0 if document is None else index_document(document)


@shared_task(
    name="llmshop.support.sync_pages",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
@retry_on_transient_db_errors
def sync_pages_task() -> dict[str, int]:
    """Periodic (daily): import the shop's help pages again; changed ones are re-indexed.

    Saving a page re-indexes it at once; this catches pages changed without a save signal
    (bulk updates, imports, another process)."""
    from django_llmshop.support.knowledge import sync_pages

    return sync_pages()


@shared_task(
    bind=True,
    name="llmshop.support.email_handoff",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def email_handoff_task(self: Any, handoff_id: int) -> int:
    """Email the staff who receive handoff notifications (once per handoff)."""
    from django_llmshop.support.notify import run_email

    return run_email(self, handoff_id)


@shared_task(
    bind=True,
    name="llmshop.support.handoff_webhook",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def handoff_webhook_task(self: Any, handoff_id: int) -> bool:
    """POST the signed handoff notice to CHAT_HANDOFF_WEBHOOK_URL, retrying with backoff."""
    from django_llmshop.support.webhooks import run_delivery

    return run_delivery(self, handoff_id)


@shared_task(
    name="llmshop.support.draft_suggestion",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def draft_suggestion_task(suggestion_id: int) -> bool:
    """Draft a reply for staff; a redelivered task for a finished draft does nothing."""
    from django_llmshop.support.suggestions import draft_suggestion

    return draft_suggestion(suggestion_id)


def enqueue_handoff_notifications(handoff_id: int) -> None:
    """Queue the staff email and the webhook of a new handoff, once the transaction commits."""
    if llmshop_settings.CHAT_HANDOFF_EMAIL:
        enqueue_on_commit(email_handoff_task, handoff_id)
    if llmshop_settings.CHAT_HANDOFF_WEBHOOK_URL:
        enqueue_on_commit(handoff_webhook_task, handoff_id)


def enqueue_suggestion(suggestion_id: int) -> None:
    """Queue a reply draft for staff on ``CHAT_QUEUE`` once the transaction commits."""
    enqueue_on_commit(draft_suggestion_task, suggestion_id, queue=llmshop_settings.CHAT_QUEUE)


def enqueue_reply(message_id: int) -> None:
    """Send the reply task to ``CHAT_QUEUE`` once the current transaction commits."""
    enqueue_on_commit(generate_reply_task, message_id, queue=llmshop_settings.CHAT_QUEUE)


def enqueue_index(document_id: int) -> None:
    """Send the re-index task once the current transaction commits."""
    enqueue_on_commit(index_document_task, document_id)


def request_suggestion(conversation: Conversation, user: Any) -> ReplySuggestion:
    """Save a pending draft for ``conversation`` and queue the task that writes it."""
    requested_by = user if getattr(user, "pk", None) is not None else None
    with transaction.atomic():
        suggestion = ReplySuggestion.objects.create(
            conversation=conversation, requested_by=requested_by
        )
        enqueue_suggestion(suggestion.pk)
    return suggestion
