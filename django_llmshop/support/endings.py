"""How a chat reply ends without an answer from the model, and the sweep of replies that stopped.

The texts a shopper sees then, the stream's closing ``error`` event, the call-log row of an
attempt that failed before it reached the model, and :func:`sweep_replies`, which fails replies
left pending or streaming (their worker died, or the queue is not served) so that the widget
stops waiting and the shopper can retry.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import override

from django_llmshop.conf import llmshop_settings
from django_llmshop.gateway import write_call_record
from django_llmshop.llm import CallRecord
from django_llmshop.support.models import Message
from django_llmshop.support.streambuffer import ERROR, get_stream_buffer
from django_llmshop.support.streamwriter import StreamWriter

logger = logging.getLogger("django_llmshop.support")


def failure_text(language: str) -> str:
    with override(language or None):
        return _(
            "Sorry, I can't answer right now. Your message is saved: you can try again in a "
            "moment, or ask for a person from our team."
        )


def no_answer_text(language: str) -> str:
    with override(language or None):
        return _(
            "I couldn't find an answer to that. Would you like me to ask a person from our "
            "team to help?"
        )


def failure_event(message: Message) -> dict[str, Any]:
    """The closing ``error`` event of a failed reply's stream."""
    text = message.content
    return {"id": message.pk, "status": message.status, "message": text, "html": escape(text)}


def log_failed_attempt(message: Message, exc: BaseException, error: str) -> None:
    """One call-log row for an attempt that failed before it reached the model."""
    metadata: dict[str, Any] = {"purpose": "support", "obj": message}
    try:
        endpoint = llmshop_settings.endpoint_for("support")
    except LookupError:
        base_url = model = ""
    else:
        base_url, model = endpoint.base_url, endpoint.model
        metadata["endpoint"] = endpoint.alias
    write_call_record(
        CallRecord(
            operation="stream",
            base_url=base_url,
            model=model,
            status="error",
            error_class=type(exc).__name__,
            error_message=error,
            http_status=None,
            retries=0,
            prompt_tokens=0,
            completion_tokens=0,
            latency_s=0.0,
            ttft_s=None,
            request_excerpt="",
            response_excerpt="",
            metadata=metadata,
        )
    )


def sweep_replies(now: datetime | None = None) -> int:
    """Fail replies pending or streaming for longer than ``CHAT_REPLY_TIMEOUT`` seconds.

    Each ends like any failed reply (the failure text, the reason in ``error``, an ``error``
    event for open streams), so the retry endpoint takes it. Returns how many were failed.
    """
    now = now or timezone.now()
    timeout = float(llmshop_settings.CHAT_REPLY_TIMEOUT)
    stuck = Message.objects.filter(
        role=Message.Role.ASSISTANT,
        status__in=[Message.Status.PENDING, Message.Status.STREAMING],
        updated_at__lt=now - timedelta(seconds=timeout),
    ).select_related("conversation")
    return sum(1 for message in stuck if fail_stuck_reply(message, now, timeout))


def fail_stuck_reply(message: Message, now: datetime, timeout: float) -> bool:
    """Fail one reply that has been pending or streaming since ``message.updated_at``, unless
    it has moved meanwhile (a worker that is still at it keeps its reply). True if failed."""
    reason = (
        f"SweptReply: {message.status} for more than {timeout:g} s "
        "(its worker stopped, or no worker serves the chat queue)"
    )
    text = failure_text(message.conversation.language)
    updated = Message.objects.filter(
        pk=message.pk, status=message.status, updated_at=message.updated_at
    ).update(
        status=Message.Status.FAILED,
        content=text,
        error=reason,
        finished_at=now,
        updated_at=now,
    )
    if not updated:
        return False
    logger.warning("chat reply %s: %s", message.pk, reason)
    message.status, message.content = Message.Status.FAILED, text
    _close_stream(message)
    return True


def _close_stream(message: Message) -> None:
    """End the reply's stream with an ``error`` event after the events already written."""
    buffer = get_stream_buffer()
    writer = StreamWriter(buffer, message.pk)
    events = buffer.read(message.pk, 0)
    writer.seq = events[-1].seq if events else 0
    writer.finish(ERROR, failure_event(message))
