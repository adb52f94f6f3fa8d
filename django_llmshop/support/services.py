"""The support chat's logic for web requests: ownership, starting chats, posting messages.

No model is called here: a posted message gets a pending reply and a Celery task.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from django_llmshop import shoppers
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import check_budget
from django_llmshop.llm import BudgetExceededError
from django_llmshop.support import limits
from django_llmshop.support.endings import failure_text
from django_llmshop.support.handoffs import record_staff_reply, request_handoff
from django_llmshop.support.models import Conversation, Handoff, Message
from django_llmshop.support.streambuffer import get_stream_buffer
from django_llmshop.support.tasks import enqueue_reply

#: Kept for code that read the session itself: the shopper's token now lives under the key
#: that the chat and recommendations share (see :mod:`django_llmshop.shoppers`).
SESSION_TOKEN = shoppers.SESSION_KEY
session_token = shoppers.session_token
owns = shoppers.owns

# --- who owns what ------------------------------------------------------------------------


def conversations_of(request: HttpRequest) -> Any:
    return shoppers.owned(request, Conversation.objects.all())


def current_conversation(request: HttpRequest) -> Conversation | None:
    """The shopper's latest conversation that is not closed, for the widget to restore."""
    found: Conversation | None = (
        conversations_of(request).exclude(status=Conversation.Status.CLOSED).first()
    )
    return found


def hand_over_conversations(token: str, owner: shoppers.Shopper) -> int:
    """Give anonymous session ``token``'s conversations to ``owner`` (registered for login)."""
    return shoppers.hand_over(Conversation.objects.all(), token, owner)


def adopt_conversations(request: HttpRequest, user: Any) -> int:
    """Move the anonymous shopper's conversations to the account they just logged in to."""
    owner = shoppers.Shopper(user_id=user.pk)
    return hand_over_conversations(shoppers.session_token(request), owner)


def start_conversation(request: HttpRequest) -> Conversation:
    user = shoppers.request_user(request)
    token = shoppers.session_token(request, create=True)
    language = (get_language() or "").lower()
    if language not in [code.lower() for code in llmshop_settings.LANGUAGES]:
        language = ""
    return Conversation.objects.create(user=user, session_key=token, language=language)


# --- messages ------------------------------------------------------------------------------

TOPIC_WORDS = [
    ("order", r"order|track|deliver|parcel|package|shipped|where is|订单|物流|快递|到货"),
    ("returns", r"return|refund|exchange|send back|退货|退款|换货"),
    ("shipping", r"ship|delivery|postage|courier|international|运费|配送|发货"),
    ("payment", r"pay|invoice|card|charge|discount|coupon|price|付款|发票|优惠|价格"),
    ("warranty", r"warrant|broken|defect|faulty|repair|保修|坏了|质量"),
    ("product", r"fit|size|capacity|material|dishwasher|does (?:it|this)|尺寸|材质|容量"),
]


def topic_of(text: str) -> str:
    """A coarse topic label for the staff inbox, from the shopper's first words."""
    lowered = text.lower()
    for topic, pattern in TOPIC_WORDS:
        if re.search(pattern, lowered):
            return topic
    return "other"


def post_message(request: HttpRequest, conversation: Conversation, content: str) -> Message:
    """Save the shopper's message and a pending reply, and queue its generation.

    Raises a ``ChatLimitError`` (413, 429) before saving anything. Over the daily budget, the
    reply is saved as failed at once, with no task and no model call. While a person has the
    conversation (handed off), only the shopper's message is saved and returned: no bot reply.
    """
    content = (content or "").strip()
    if not content:
        raise limits.ChatLimitError(_("The message is empty."))
    limits.check_size(content)
    owner = str(conversation.user_id or conversation.session_key)
    limits.check_rate(request, owner)
    if conversation.status == Conversation.Status.HANDED_OFF:
        with transaction.atomic():
            message = Message.objects.create(
                conversation=conversation, role=Message.Role.USER, content=content
            )
            Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
        return message
    try:
        check_budget("support")
        over_budget = False
    except BudgetExceededError:
        over_budget = True
    with transaction.atomic():
        # One INSERT for both rows: each round trip to the database costs the web process CPU.
        reply = Message.objects.bulk_create(
            [
                Message(conversation=conversation, role=Message.Role.USER, content=content),
                Message(
                    conversation=conversation,
                    role=Message.Role.ASSISTANT,
                    status=Message.Status.FAILED if over_budget else Message.Status.PENDING,
                ),
            ]
        )[1]
        fields: dict[str, Any] = {"updated_at": timezone.now()}
        if not conversation.topic:
            fields["topic"] = conversation.topic = topic_of(content)
        if conversation.status == Conversation.Status.CLOSED:
            fields["status"] = conversation.status = Conversation.Status.OPEN
        Conversation.objects.filter(pk=conversation.pk).update(**fields)
        if over_budget:
            reply.content = failure_text(conversation.language)
            reply.error = "BudgetExceededError: the daily support budget is used up"
            reply.finished_at = timezone.now()
            reply.save()
        else:
            # Events left under this id (a database reset reuses ids) must not be replayed.
            get_stream_buffer().clear(reply.pk)
            enqueue_reply(reply.pk)
    return reply


def retry_reply(message: Message) -> bool:
    """Queue a failed reply again; False when it is not a failed assistant reply."""
    updated = Message.objects.filter(
        pk=message.pk, role=Message.Role.ASSISTANT, status=Message.Status.FAILED
    ).update(
        status=Message.Status.PENDING,
        content="",
        error="",
        finished_at=None,
        updated_at=timezone.now(),
    )
    if updated:
        get_stream_buffer().clear(message.pk)  # a reader must not replay the failed attempt
        enqueue_reply(message.pk)
    return bool(updated)


def rate_reply(message: Message, value: int) -> None:
    if value not in (-1, 0, 1):
        raise ValueError("rating must be -1, 0 or 1")
    Message.objects.filter(pk=message.pk, role=Message.Role.ASSISTANT).update(rating=value)


def ask_for_person(conversation: Conversation, reason: str = "") -> Handoff:
    return request_handoff(conversation, reason or _("The shopper asked for a person."))


def staff_reply(conversation: Conversation, author: Any, content: str) -> Message:
    """A message from a person on the team; it appears in the shopper's widget."""
    with transaction.atomic():
        message = Message.objects.create(
            conversation=conversation, role=Message.Role.STAFF, content=content, author=author
        )
        Conversation.objects.filter(pk=conversation.pk).update(updated_at=timezone.now())
        record_staff_reply(conversation, author, message)
    return message
