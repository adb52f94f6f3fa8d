"""Handing a conversation to a person and back: request, assignment, first reply, release.

One open handoff per conversation at a time. While it is open the conversation is handed off
and the assistant stays silent; staff take it (``assigned_to``), reply (``first_reply_at``)
and release it to the assistant or close it, which resolves the handoff.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_llmshop.support.models import Conversation, Handoff, Message
from django_llmshop.support.signals import handoff_requested


def open_handoff(conversation: Conversation) -> Handoff | None:
    """The conversation's open handoff, if any."""
    found: Handoff | None = (
        conversation.handoffs.filter(status=Handoff.Status.OPEN).order_by("-created_at").first()
    )
    return found


def request_handoff(conversation: Conversation, reason: str) -> Handoff:
    """Open a handoff (or return the open one) and mark the conversation as handed off.

    A new handoff sends ``handoff_requested`` once the transaction commits; the support app's
    own receiver of it queues the staff email and the webhook.
    """
    with transaction.atomic():
        # Locks the conversation row (where the database can), so two requests at once open
        # one handoff.
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        handoff = open_handoff(conversation)
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


def assign_handoff(conversation: Conversation, user: Any) -> bool:
    """Give the open handoff to ``user``, a staff member taking it; False when none is open."""
    handoffs = Handoff.objects.filter(conversation=conversation, status=Handoff.Status.OPEN)
    now = timezone.now()
    if handoffs.exclude(assigned_to=user).update(assigned_to=user, assigned_at=now):
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=now)
    return handoffs.filter(assigned_to=user).exists()


def record_staff_reply(conversation: Conversation, author: Any, message: Message) -> None:
    """A staff message was sent: the open handoff gets its first reply time and, when nobody
    has taken it yet, the author."""
    when = message.created_at
    handoffs = Handoff.objects.filter(conversation=conversation, status=Handoff.Status.OPEN)
    handoffs.filter(first_reply_at__isnull=True).update(first_reply_at=when)
    if author is not None and getattr(author, "pk", None) is not None:
        handoffs.filter(assigned_to__isnull=True).update(assigned_to=author, assigned_at=when)


def resolve_handoffs(conversations: Any) -> int:
    """Resolve the open handoffs of ``conversations`` (a queryset or a list of ids)."""
    return Handoff.objects.filter(
        conversation__in=conversations, status=Handoff.Status.OPEN
    ).update(status=Handoff.Status.RESOLVED, resolved_at=timezone.now())


def release_to_assistant(conversations: Any) -> int:
    """Give handed-off conversations back to the assistant: it answers their next message.

    Returns how many conversations were released; closed and open ones are left as they are.
    """
    with transaction.atomic():
        ids = list(
            Conversation.objects.filter(
                pk__in=_ids(conversations), status=Conversation.Status.HANDED_OFF
            ).values_list("pk", flat=True)
        )
        resolve_handoffs(ids)
        Conversation.objects.filter(pk__in=ids).update(
            status=Conversation.Status.OPEN, updated_at=timezone.now()
        )
    return len(ids)


def _ids(conversations: Any) -> list[int]:
    if isinstance(conversations, Conversation):
        return [conversations.pk]
    if hasattr(conversations, "values_list"):
        return list(conversations.values_list("pk", flat=True))
    return [int(pk) for pk in conversations]


@dataclass(frozen=True)
class PersonState:
    """What the shopper's widget shows of the person who has the conversation."""

    waiting: bool  # handed off, nobody has joined yet
    joined: bool  # a staff member took it or replied
    joined_before: int | None  # the first staff message after the request, if any


def person_state(conversation: Conversation | None) -> PersonState:
    if conversation is None or conversation.status != Conversation.Status.HANDED_OFF:
        return PersonState(waiting=False, joined=False, joined_before=None)
    handoff = open_handoff(conversation)
    if handoff is None:
        return PersonState(waiting=True, joined=False, joined_before=None)
    first_staff: int | None = (
        conversation.messages.filter(role=Message.Role.STAFF, created_at__gte=handoff.created_at)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    joined = handoff.assigned_to_id is not None or first_staff is not None
    return PersonState(waiting=not joined, joined=joined, joined_before=first_staff)


def waiting_time(handoff: Handoff, now: datetime | None = None) -> tuple[float, bool]:
    """Seconds from the request to the first staff reply (or to now), and whether it is still
    waiting for that reply."""
    if handoff.first_reply_at is not None:
        return (handoff.first_reply_at - handoff.created_at).total_seconds(), False
    end = handoff.resolved_at or now or timezone.now()
    return (end - handoff.created_at).total_seconds(), handoff.status == Handoff.Status.OPEN
