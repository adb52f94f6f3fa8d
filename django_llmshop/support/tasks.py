"""Celery tasks of the support chat: thin wrappers over the services (no Celery app here)."""

from __future__ import annotations

from celery import shared_task

from django_llmshop.conf import llmshop_settings
from django_llmshop.queueing import enqueue_on_commit

GENERATE_REPLY = "llmshop.support.generate_reply"


@shared_task(name=GENERATE_REPLY, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
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
def index_document_task(document_id: int) -> int:
    """Re-index one knowledge document (after it was saved)."""
    from django_llmshop.support.models import KnowledgeDocument
    from django_llmshop.support.retrieval import index_document

    document = KnowledgeDocument.objects.filter(pk=document_id).first()
    return 0 if document is None else index_document(document)


def enqueue_reply(message_id: int) -> None:
    """Send the reply task to ``CHAT_QUEUE`` once the current transaction commits."""
    enqueue_on_commit(generate_reply_task, message_id, queue=llmshop_settings.CHAT_QUEUE)


def enqueue_index(document_id: int) -> None:
    """Send the re-index task once the current transaction commits."""
    enqueue_on_commit(index_document_task, document_id)
