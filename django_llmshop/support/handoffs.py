"""Handing a conversation to a person: one open handoff per conversation at a time."""

from __future__ import annotations

from django.db import transaction

from django_llmshop.support.models import Conversation, Handoff
from django_llmshop.support.signals import handoff_requested


def request_handoff(conversation: Conversation, reason: str) -> Handoff:
    """Open a handoff (or return the open one) and mark the conversation as handed off."""
    with transaction.atomic():
        handoff = conversation.handoffs.filter(status=Handoff.Status.OPEN).first()
        created = handoff is None
        if handoff is None:
            handoff = Handoff.objects.create(conversation=conversation, reason=reason[:2000])
        Conversation.objects.filter(pk=conversation.pk).update(
            status=Conversation.Status.HANDED_OFF
        )
        conversation.status = Conversation.Status.HANDED_OFF
    if created:
        transaction.on_commit(
            lambda: handoff_requested.send(
                sender=Handoff, handoff=handoff, conversation=conversation
            )
        )
    return handoff
