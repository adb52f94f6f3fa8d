"""Generating an assistant reply (run by the Celery task): context, tool loop, stream, checks.

Idempotent by the reply's id: only a pending reply (or one whose worker died mid-stream) is
generated; a redelivered task for a finished reply does nothing. Every reply ends: whatever the
model sends (or fails to send), the reply is stored as done or failed, and what the model wrote
is cleaned (:mod:`django_llmshop.text`) before it is streamed or stored.
"""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import LLMError
from django_llmshop.models import LLMCall
from django_llmshop.support import answering, prompts, retrieval, safety
from django_llmshop.support.endings import (
    failure_event,
    failure_text,
    log_failed_attempt,
    no_answer_text,
)
from django_llmshop.support.models import Message

# The web payload helpers live in .payloads; importable from here too, where they were before.
from django_llmshop.support.payloads import message_html as message_html
from django_llmshop.support.payloads import message_payload
from django_llmshop.support.replystream import ReplyText, stream_call
from django_llmshop.support.signals import reply_finished
from django_llmshop.support.streambuffer import DONE, ERROR, get_stream_buffer
from django_llmshop.support.streamwriter import StreamWriter
from django_llmshop.support.tools import (
    TOOL_SPECS,
    ChatContext,
    add_passages,
    order_entry,
    product_entry,
    run_tool,
)
from django_llmshop.text import clean_text

logger = logging.getLogger("django_llmshop.support")
MAX_CALLS_PER_STEP = 8


def generate_reply(message_id: int) -> bool:
    """Generate reply ``message_id``; False when there was nothing to do (already finished)."""
    claimed_at = timezone.now()
    claimed = Message.objects.filter(
        pk=message_id,
        role=Message.Role.ASSISTANT,
        status__in=[Message.Status.PENDING, Message.Status.STREAMING],
    ).update(status=Message.Status.STREAMING, attempts=F("attempts") + 1, updated_at=claimed_at)
    if not claimed:
        return False
    message, earlier = _reply_and_earlier(message_id)
    buffer = get_stream_buffer()
    if message.attempts > 1:
        # An earlier attempt's events must not be replayed; a first attempt's buffer was
        # cleared by whoever queued it (a new message, a retry), so it costs no round trip.
        buffer.clear(message_id)
    writer = StreamWriter(buffer, message_id)
    language = message.conversation.language
    try:
        with override(language or None):
            text, ctx, records = _generate(message, writer, earlier)
            _finish(message, writer, text, ctx, records)
    except LLMError as exc:
        logger.warning("chat reply %s failed: %r", message_id, exc)
        _fail(message, writer, exc, claimed_at)
    except Exception as exc:  # noqa: BLE001 - the reply ends as failed with the reason; log has why
        logger.exception("chat reply %s failed", message_id)
        _fail(message, writer, exc, claimed_at)
    reply_finished.send(sender=Message, message=message)
    return True


def _reply_and_earlier(message_id: int) -> tuple[Message, list[Message]]:
    """The reply, with its conversation and shopper, and the messages before it newest first
    (system notes left out, as :func:`prompts.history` takes them): one query, the reply being
    the newest row."""
    conversation = Message.objects.filter(pk=message_id).values("conversation_id")
    rows = list(
        Message.objects.select_related("conversation", "conversation__user")
        .filter(conversation_id=Subquery(conversation), pk__lte=message_id)
        .exclude(role=Message.Role.SYSTEM)
        .order_by("-pk")[: prompts.HISTORY_ROWS + 1]
    )
    if not rows or rows[0].pk != message_id:
        raise Message.DoesNotExist(f"reply {message_id} is gone")
    return rows[0], rows[1:]


def _context(message: Message, question: str, supports_tools: bool) -> tuple[ChatContext, str]:
    conversation = message.conversation
    owner = conversation.user
    user = owner if owner is not None and owner.is_active else None
    ctx = ChatContext(conversation=conversation, user=user)
    add_passages(ctx, retrieval.search(question))
    orders: str | None = None
    if not supports_tools:
        # No tools: what the tools would have found goes into the prompt instead.
        adapter = get_adapter()
        for product in adapter.search_products(question, limit=3):
            product_entry(ctx, product, full=False)
        if user is None:
            orders = "The shopper is not logged in, so their orders cannot be seen."
        else:
            entries = [order_entry(ctx, o) for o in adapter.orders_for_user(user, limit=5)]
            orders = json.dumps(entries, ensure_ascii=False, default=str) if entries else "None."
    system = prompts.system_prompt(
        sources=ctx.sources,
        language=conversation.language,
        logged_in=user is not None,
        supports_tools=supports_tools,
        orders=orders,
        shop_name=get_adapter().shop_name(),
    )
    return ctx, system


def _generate(
    message: Message, writer: StreamWriter, earlier: list[Message]
) -> tuple[str, ChatContext, list[dict[str, Any]]]:
    llm = llm_for("support", obj=message)
    supports_tools = llm.endpoint.supports_tools
    turns, question = prompts.history(earlier)
    composed = answering.planned_reply(message, question, small=llm.endpoint.is_small)
    if composed is not None:  # the app answered from its own facts; no model call
        writer.token(composed[0])
        writer.flush()
        return composed[0], composed[1], []
    if llm.endpoint.is_small:  # what is left for a small model is small talk
        supports_tools = False
        ctx = answering.context_for(message)
        messages = answering.small_talk_messages(question, message.conversation.language)
    else:
        ctx, system = _context(message, question, supports_tools)
        messages = [
            {"role": "system", "content": system},
            *turns,
            {"role": "user", "content": question},
        ]
    records: list[dict[str, Any]] = []
    reply = ReplyText()
    max_steps = int(llmshop_settings.CHAT_MAX_TOOL_STEPS)
    for step in range(max_steps + 1):
        offer_tools = supports_tools and step < max_steps and not ctx.handed_off
        result = stream_call(
            llm,
            messages,
            writer,
            reply,
            tools=TOOL_SPECS if offer_tools else None,
            max_tokens=int(llmshop_settings.CHAT_MAX_REPLY_TOKENS),
        )
        if not result.tool_calls or not offer_tools:
            break
        calls = result.tool_calls[:MAX_CALLS_PER_STEP]
        messages.append(
            {
                "role": "assistant",
                "content": clean_text(result.text) or None,
                "tool_calls": [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {
                            "name": clean_text(call.name),
                            "arguments": clean_text(call.arguments),
                        },
                    }
                    for call in calls
                ],
            }
        )
        for call in calls:
            wrapped, record = run_tool(ctx, call)
            records.append(record)
            messages.append({"role": "tool", "tool_call_id": call.id, "content": wrapped})
    writer.flush()
    text = reply.text
    if llm.endpoint.is_small and text.strip():
        text = answering.checked_small_reply(text, ctx, question)
    return text.strip(), ctx, records


def _calls(message: Message) -> Any:
    return LLMCall.objects.filter(
        content_type=ContentType.objects.get_for_model(Message), object_id=str(message.pk)
    )


def _last_call(message: Message) -> LLMCall | None:
    found: LLMCall | None = _calls(message).order_by("-pk").first()
    return found


def _store(message: Message, **fields: Any) -> bool:
    """Store the outcome of this attempt, unless the reply was finished meanwhile (the sweeper
    gave up on it, or a retry started another attempt)."""
    fields["updated_at"] = timezone.now()
    stored = Message.objects.filter(
        pk=message.pk, status=Message.Status.STREAMING, attempts=message.attempts
    ).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)
    if not stored:
        logger.warning("chat reply %s was finished elsewhere; this attempt is dropped", message.pk)
    return bool(stored)


def _finish(
    message: Message,
    writer: StreamWriter,
    text: str,
    ctx: ChatContext,
    records: list[dict[str, Any]],
) -> None:
    if not text and ctx.handed_off:
        with override(message.conversation.language or None):
            text = _("I have asked a person from our team to join this chat.")
    elif not text:
        # An empty stream, or tool calls up to the last step: never an empty answer.
        logger.warning("chat reply %s: the model gave no answer", message.pk)
        text = no_answer_text(message.conversation.language)
    allowed = get_adapter().catalog_prices() | safety.known_amounts([ctx.sources.text()])
    findings = safety.check_reply(text, allowed)
    citations = ctx.sources.cited_by(text)
    final = (
        safety.correct_reply(text, findings, message.conversation.language) if findings else text
    )
    stored = _store(
        message,
        content=clean_text(final),
        status=Message.Status.DONE,
        citations=citations,
        tool_calls=records,
        flags=[f.as_dict() for f in findings],
        error="",
        llm_call=_last_call(message),
        finished_at=timezone.now(),
    )
    if stored:
        writer.finish(DONE, message_payload(message))


def _fail(message: Message, writer: StreamWriter, exc: BaseException, claimed_at: datetime) -> None:
    text = failure_text(message.conversation.language)
    error = clean_text(f"{type(exc).__name__}: {exc}")[:2000]
    # Asked only now, not counted up front: a reply that does not fail pays no query for it.
    if not _calls(message).filter(created_at__gte=claimed_at).exists():
        log_failed_attempt(message, exc, error)  # it failed before any call: the log still shows it
    stored = _store(
        message,
        content=text,
        status=Message.Status.FAILED,
        error=error,
        llm_call=_last_call(message),
        finished_at=timezone.now(),
    )
    if stored:
        writer.finish(ERROR, failure_event(message))
