"""The SSE view of a reply: a sync iterator under WSGI, an async one under ASGI.

Django collects a streaming response whose iterator kind does not match the server before
sending its first byte, so the view picks the kind from the request it got.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404

from django_llmshop.support.models import Message
from django_llmshop.support.payloads import message_payload
from django_llmshop.support.services import owns
from django_llmshop.support.streambuffer import (
    DONE,
    ERROR,
    FINAL_KINDS,
    TOKEN,
    StreamEvent,
    get_stream_buffer,
)

#: How long a read waits before the view checks the database and sends a keep-alive.
WAIT_SECONDS = 2.0
#: A stream is closed after this long; the browser's EventSource reconnects where it left.
MAX_STREAM_SECONDS = 300.0


def sse(kind: str, data: str, event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines.append(f"event: {kind}")
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


def _final_events(message_id: int, after: int) -> list[str] | None:
    """A finished reply from the database (its buffer may be gone, or was never written).

    A reader that has seen nothing gets the whole text, one that has seen part of it only
    the closing event, which carries the whole text too.
    """
    message = Message.objects.filter(pk=message_id).first()
    if message is None or not message.is_final:
        return None
    if message.status == Message.Status.FAILED:
        payload = {"id": message.pk, "status": message.status, "message": message.content}
        return [sse(ERROR, json.dumps(payload))]
    done = sse(DONE, json.dumps(message_payload(message)))
    return [done] if after else [sse(TOKEN, json.dumps(message.content)), done]


def _format(events: list[StreamEvent]) -> tuple[list[str], bool]:
    out = []
    for event in events:
        out.append(sse(event.kind, event.data, event.seq))
        if event.kind in FINAL_KINDS:
            return out, True
    return out, False


def sync_events(message_id: int, after: int) -> Iterator[str]:
    buffer = get_stream_buffer()
    deadline = time.monotonic() + MAX_STREAM_SECONDS
    yield "retry: 2000\n\n"
    wait = 0.0  # the first read does not wait: a finished reply is answered at once
    while time.monotonic() < deadline:
        events = buffer.read(message_id, after, block=wait)
        wait = WAIT_SECONDS
        if events:
            chunks, done = _format(events)
            yield from chunks
            after = events[-1].seq
            if done:
                return
            continue
        final = _final_events(message_id, after)
        if final is not None and not buffer.read(message_id, after):
            yield from final
            return
        yield ": keep-alive\n\n"


async def async_events(message_id: int, after: int) -> AsyncIterator[str]:
    buffer = get_stream_buffer()
    final_events = sync_to_async(_final_events, thread_sensitive=True)
    deadline = time.monotonic() + MAX_STREAM_SECONDS
    yield "retry: 2000\n\n"
    wait = 0.0
    while time.monotonic() < deadline:
        events = await buffer.aread(message_id, after, block=wait)
        wait = WAIT_SECONDS
        if events:
            chunks, done = _format(events)
            for chunk in chunks:
                yield chunk
            after = events[-1].seq
            if done:
                return
            continue
        final = await final_events(message_id, after)
        if final is not None and not await buffer.aread(message_id, after):
            for chunk in final:
                yield chunk
            return
        yield ": keep-alive\n\n"


def stream_message(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    """``text/event-stream`` of a reply: ``token`` events, then ``done`` or ``error``."""
    message = get_object_or_404(
        Message.objects.select_related("conversation"), pk=pk, role=Message.Role.ASSISTANT
    )
    if not owns(request, message.conversation):
        raise Http404
    raw_after = request.headers.get("Last-Event-ID") or request.GET.get("after") or "0"
    # isdigit() alone lets "²" and 5,000-digit numbers through to int(), which refuses both.
    valid = raw_after.isascii() and raw_after.isdigit() and len(raw_after) <= 18
    after = int(raw_after) if valid else 0
    if isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(
            async_events(message.pk, after), content_type="text/event-stream"
        )
    else:
        response = StreamingHttpResponse(
            sync_events(message.pk, after), content_type="text/event-stream"
        )
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response
