"""Signal receivers: chats follow the shopper at login, knowledge is re-indexed when it changes,
staff are notified of a handoff."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from django_llmshop import shoppers
from django_llmshop.conf import llmshop_settings
from django_llmshop.support.models import KnowledgeDocument
from django_llmshop.support.services import hand_over_conversations
from django_llmshop.support.signals import handoff_requested


def _document_saved(sender: Any, instance: KnowledgeDocument, raw: bool = False, **kw: Any) -> None:
    from django_llmshop.support.tasks import enqueue_index

    if not raw:
        enqueue_index(instance.pk)


def _handoff_requested(sender: Any, handoff: Any, **kwargs: Any) -> None:
    from django_llmshop.support.tasks import enqueue_handoff_notifications

    enqueue_handoff_notifications(handoff.pk)


def _page_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from django_llmshop.support.knowledge import sync_page

    if not raw:
        sync_page(instance, deleted=kwargs.get("signal") is post_delete)


def connect() -> None:
    shoppers.on_carry_over(hand_over_conversations)
    post_save.connect(_document_saved, sender=KnowledgeDocument, dispatch_uid="llmshop_kb_index")
    handoff_requested.connect(_handoff_requested, dispatch_uid="llmshop_handoff_notify")
    label = llmshop_settings.PAGE_MODEL
    if label:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return  # reported by check E006
        post_save.connect(_page_changed, sender=model, dispatch_uid="llmshop_kb_page_saved")
        post_delete.connect(_page_changed, sender=model, dispatch_uid="llmshop_kb_page_deleted")
