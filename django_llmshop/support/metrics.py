"""Figures of the support chat over a time range, for the owner's dashboard.

Plain functions over aggregate queries: conversations and messages, how many were answered
without a person (deflection), handoffs and the time to the first staff reply, ratings, topics,
the share of answers citing a source, and what each conversation's model calls cost.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Cast

from django_llmshop.models import LLMCall
from django_llmshop.support.models import Conversation, Handoff, Message

ASSISTANT, STAFF = Message.Role.ASSISTANT, Message.Role.STAFF


def conversation_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """Conversations begun in the range: how many, handed to a person, and answered alone."""
    conversations = Conversation.objects.filter(created_at__gte=start, created_at__lt=end)
    handed = Exists(Handoff.objects.filter(conversation=OuterRef("pk")))
    staffed = Exists(Message.objects.filter(conversation=OuterRef("pk"), role=STAFF))
    answered = Exists(
        Message.objects.filter(
            conversation=OuterRef("pk"), role=ASSISTANT, status=Message.Status.DONE
        )
    )
    found = conversations.annotate(h=handed, s=staffed, a=answered).aggregate(
        conversations=Count("id"),
        handed_off=Count("id", filter=Q(h=True)),
        deflected=Count("id", filter=Q(a=True, h=False, s=False)),
    )
    total = found["conversations"]
    found["handoff_rate"] = found["handed_off"] / total if total else 0.0
    found["deflection_rate"] = found["deflected"] / total if total else 0.0
    return found


def message_figures(start: datetime, end: datetime) -> dict[str, Any]:
    """Messages in the range by role, the replies' ratings and how many cite a source."""
    messages = Message.objects.filter(created_at__gte=start, created_at__lt=end)
    replies = Q(role=ASSISTANT, status=Message.Status.DONE)
    found = messages.aggregate(
        messages=Count("id"),
        shopper=Count("id", filter=Q(role=Message.Role.USER)),
        replies=Count("id", filter=replies),
        staff=Count("id", filter=Q(role=STAFF)),
        helpful=Count("id", filter=replies & Q(rating=Message.Rating.UP)),
        unhelpful=Count("id", filter=replies & Q(rating=Message.Rating.DOWN)),
        cited=Count("id", filter=replies & ~Q(citations=[])),
    )
    found["citation_share"] = found["cited"] / found["replies"] if found["replies"] else 0.0
    rated = found["helpful"] + found["unhelpful"]
    found["helpful_share"] = found["helpful"] / rated if rated else None
    return found


def first_staff_reply(start: datetime, end: datetime) -> dict[str, Any]:
    """Handoffs asked for in the range, how many got a staff reply, and the average wait."""
    first = (
        Message.objects.filter(
            conversation=OuterRef("conversation"),
            role=STAFF,
            created_at__gte=OuterRef("created_at"),
        )
        .order_by("created_at")
        .values("created_at")[:1]
    )
    handoffs = Handoff.objects.filter(created_at__gte=start, created_at__lt=end).annotate(
        replied_at=Subquery(first)
    )
    found = handoffs.aggregate(
        handoffs=Count("id"),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
        wait=Avg(
            ExpressionWrapper(F("replied_at") - F("created_at"), output_field=DurationField()),
            filter=Q(replied_at__isnull=False),
        ),
    )
    wait = found["wait"]
    if wait is not None and not isinstance(wait, timedelta):  # a backend's microseconds
        wait = timedelta(microseconds=float(wait))
    found["wait"] = wait
    return found


def top_topics(start: datetime, end: datetime, limit: int = 8) -> list[tuple[str, int]]:
    rows = (
        Conversation.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(topic="")
        .values("topic")
        .annotate(n=Count("id"))
        .order_by("-n", "topic")[:limit]
    )
    return [(row["topic"], row["n"]) for row in rows]


def cost_per_conversation(start: datetime, end: datetime, limit: int = 10) -> dict[str, Any]:
    """The costliest conversations (their replies' calls are tagged with the reply message)
    and the average cost of a conversation that cost anything."""
    message_type = ContentType.objects.get_for_model(Message)
    calls = LLMCall.objects.filter(
        content_type=message_type, created_at__gte=start, created_at__lt=end
    ).exclude(object_id="")
    owner = Message.objects.filter(
        pk=Cast(OuterRef("object_id"), output_field=BigIntegerField())
    ).values("conversation_id")[:1]
    per = (
        calls.annotate(conversation=Subquery(owner))
        .filter(conversation__isnull=False)
        .values("conversation")
        .annotate(cost=Sum("cost"), calls=Count("id"))
        .order_by()
    )
    top = list(per.order_by("-cost", "conversation")[:limit])
    summary = calls.aggregate(cost=Sum("cost"))
    count = per.count()
    cost = summary["cost"] or Decimal(0)
    return {
        "top": [(f"#{row['conversation']}", row["cost"] or Decimal(0)) for row in top],
        "conversations": count,
        "average": cost / count if count else None,
        "total": cost,
    }
