"""Signal receivers: carry chats over at login, re-index knowledge when it changes."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save

from django_llmshop.conf import llmshop_settings
from django_llmshop.support.models import KnowledgeDocument


def _adopt(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    from django_llmshop.support.services import adopt_conversations

    if request is not None:
        adopt_conversations(request, user)


def _document_saved(sender: Any, instance: KnowledgeDocument, raw: bool = False, **kw: Any) -> None:
    from django_llmshop.support.tasks import enqueue_index

    if not raw:
        enqueue_index(instance.pk)


def _page_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    from django_llmshop.support.knowledge import sync_page

    if not raw:
        sync_page(instance, deleted=kwargs.get("signal") is post_delete)


def connect() -> None:
    user_logged_in.connect(_adopt, dispatch_uid="llmshop_chat_adopt")
    post_save.connect(_document_saved, sender=KnowledgeDocument, dispatch_uid="llmshop_kb_index")
    label = llmshop_settings.PAGE_MODEL
    if label:
        try:
            model = apps.get_model(label)
        except (LookupError, ValueError):
            return  # reported by check E006
        post_save.connect(_page_changed, sender=model, dispatch_uid="llmshop_kb_page_saved")
        post_delete.connect(_page_changed, sender=model, dispatch_uid="llmshop_kb_page_deleted")
