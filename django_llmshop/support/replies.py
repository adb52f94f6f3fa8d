"""Generating an assistant reply (run by the Celery task): context, tool loop, stream, checks.

Idempotent by the reply's id: only a pending reply (or one whose worker died mid-stream) is
generated; a redelivered task for a finished reply does nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import override

from django_llmshop.adapters import get_adapter
from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import llm_for
from django_llmshop.llm import ChatStream, LLMError
from django_llmshop.models import LLMCall
from django_llmshop.rendering import render_markdown
from django_llmshop.support import prompts, retrieval, safety
from django_llmshop.support.models import Message
from django_llmshop.support.signals import reply_finished
from django_llmshop.support.sources import link_markers
from django_llmshop.support.streambuffer import DONE, ERROR, StreamWriter, get_stream_buffer
from django_llmshop.support.tools import (
    TOOL_SPECS,
    ChatContext,
    add_passages,
    order_entry,
    product_entry,
    run_tool,
)

logger = logging.getLogger("django_llmshop.support")
MAX_CALLS_PER_STEP = 8


def message_html(message: Message) -> SafeString:
    """The HTML of a message: model and shopper text only ever through ``render_markdown``."""
    return render_markdown(link_markers(message.content, message.citations or []))


def message_payload(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "role": message.role,
        "status": message.status,
        "content": message.content,
        "html": str(message_html(message)),
        "citations": message.citations or [],
        "flagged": message.flagged,
    }


def failure_text(language: str) -> str:
    with override(language or None):
        return _(
            "Sorry, I can't answer right now. Your message is saved: you can try again in a "
            "moment, or ask for a person from our team."
        )


def generate_reply(message_id: int) -> bool:
    """Generate reply ``message_id``; False when there was nothing to do (already finished)."""
    claimed = Message.objects.filter(
        pk=message_id,
        role=Message.Role.ASSISTANT,
        status__in=[Message.Status.PENDING, Message.Status.STREAMING],
    ).update(status=Message.Status.STREAMING, attempts=F("attempts") + 1)
    if not claimed:
        return False
    message = Message.objects.select_related("conversation", "conversation__user").get(
        pk=message_id
    )
    buffer = get_stream_buffer()
    buffer.clear(message_id)
    writer = StreamWriter(buffer, message_id)
    language = message.conversation.language
    try:
        with override(language or None):
            text, ctx, records = _generate(message, writer)
    except LLMError as exc:
        logger.warning("chat reply %s failed: %r", message_id, exc)
        _fail(message, writer, exc)
    else:
        _finish(message, writer, text, ctx, records)
    reply_finished.send(sender=Message, message=message)
    return True


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
    message: Message, writer: StreamWriter
) -> tuple[str, ChatContext, list[dict[str, Any]]]:
    llm = llm_for("support", obj=message)
    supports_tools = llm.endpoint.supports_tools
    turns, question = prompts.history(message)
    ctx, system = _context(message, question, supports_tools)
    messages: list[dict[str, Any]] = [
        {"role": "system", "content": system},
        *turns,
        {"role": "user", "content": question},
    ]
    records: list[dict[str, Any]] = []
    reply = ""
    max_steps = int(llmshop_settings.CHAT_MAX_TOOL_STEPS)
    for step in range(max_steps + 1):
        offer_tools = supports_tools and step < max_steps and not ctx.handed_off
        stream = llm.stream(
            messages,
            tools=TOOL_SPECS if offer_tools else None,
            max_tokens=int(llmshop_settings.CHAT_MAX_REPLY_TOKENS),
        )
        if not isinstance(stream, ChatStream):  # pragma: no cover - the gateway's contract
            raise TypeError("the gateway returned no ChatStream")
        separated = not reply or reply[-1].isspace()
        for chunk in stream:
            if not chunk.text:
                continue
            if not separated:
                writer.token("\n\n")
                reply += "\n\n"
                separated = True
            writer.token(chunk.text)
            reply += chunk.text
        result = stream.result
        if not result.tool_calls or not offer_tools:
            break
        calls = result.tool_calls[:MAX_CALLS_PER_STEP]
        messages.append(
            {
                "role": "assistant",
                "content": result.text or None,
                "tool_calls": [
                    {
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments},
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
    return reply.strip(), ctx, records


def _last_call(message: Message) -> LLMCall | None:
    return (
        LLMCall.objects.filter(
            content_type=ContentType.objects.get_for_model(Message), object_id=str(message.pk)
        )
        .order_by("-pk")
        .first()
    )


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
    allowed = get_adapter().catalog_prices() | safety.known_amounts([ctx.sources.text()])
    findings = safety.check_reply(text, allowed)
    citations = ctx.sources.cited_by(text)
    final = (
        safety.correct_reply(text, findings, message.conversation.language) if findings else text
    )
    message.content = final
    message.status = Message.Status.DONE
    message.citations = citations
    message.tool_calls = records
    message.flags = [f.as_dict() for f in findings]
    message.error = ""
    message.llm_call = _last_call(message)
    message.finished_at = timezone.now()
    message.save()
    writer.finish(DONE, message_payload(message))


def _fail(message: Message, writer: StreamWriter, exc: LLMError) -> None:
    text = failure_text(message.conversation.language)
    message.content = text
    message.status = Message.Status.FAILED
    message.error = f"{type(exc).__name__}: {exc}"[:2000]
    message.llm_call = _last_call(message)
    message.finished_at = timezone.now()
    message.save()
    writer.finish(
        ERROR,
        {"id": message.pk, "status": message.status, "message": text, "html": escape(text)},
    )
