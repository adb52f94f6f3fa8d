"""The SSE view of a reply: a sync iterator under WSGI, an async one under ASGI.

Django collects a streaming response whose iterator kind does not match the server before
sending its first byte, so the view picks the kind from the request it got.

An open stream holds no database connection: the view reads the reply once (ownership, and the
whole reply if it is finished), then its connection is closed and the stream reads only the
stream buffer. The database is read again only when the buffer did not end the reply before
its ``CHAT_REPLY_TIMEOUT``: the reply is then failed (as the sweeper would) and the stream ends
with an ``error`` event. Under ASGI the stream holds no thread either: Django's per-request
thread is let go once the view's database work is done.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from asgiref.sync import SyncToAsync, sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from django_llmshop.conf import llmshop_settings
from django_llmshop.dbconnections import release_connections
from django_llmshop.support.endings import fail_stuck_reply
from django_llmshop.support.models import Message
from django_llmshop.support.payloads import message_payload
from django_llmshop.support.services import owns
from django_llmshop.support.streambuffer import (
    DONE,
    ERROR,
    FINAL_KINDS,
    TOKEN,
    StreamBuffer,
    StreamEvent,
    get_stream_buffer,
)

#: A keep-alive comment is sent after this long without an event (proxies close idle streams).
HEARTBEAT_SECONDS = 5.0
#: A stream is closed after this long; the browser's EventSource reconnects where it left.
MAX_STREAM_SECONDS = 300.0


def sse(kind: str, data: str, event_id: int | None = None) -> str:
    lines = [f"id: {event_id}"] if event_id is not None else []
    lines.append(f"event: {kind}")
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


def final_events(message: Message, after: int) -> list[str]:
    """The closing events of a finished reply, from its row (its buffer may be gone).

    A reader that has seen nothing gets the whole text, one that has seen part of it only
    the closing event, which carries the whole text too.
    """
    if message.status == Message.Status.FAILED:
        payload = {"id": message.pk, "status": message.status, "message": message.content}
        return [sse(ERROR, json.dumps(payload))]
    done = sse(DONE, json.dumps(message_payload(message)))
    return [done] if after else [sse(TOKEN, json.dumps(message.content)), done]


def _token_event(tokens: list[StreamEvent]) -> list[str]:
    """One ``token`` event for consecutive buffered tokens (none for none)."""
    if len(tokens) <= 1:
        return [sse(TOKEN, t.data, t.seq) for t in tokens]
    text = "".join(str(t.decoded()) for t in tokens)
    return [sse(TOKEN, json.dumps(text), tokens[-1].seq)]


@dataclass
class Relay:
    """One open stream's state: where the reader is and when the reply must have ended."""

    message_id: int
    after: int
    #: The closing events, when the reply was finished as the stream was asked for.
    final: list[str] | None
    #: ``time.monotonic()`` at which the reply's ``CHAT_REPLY_TIMEOUT`` has passed.
    reply_deadline: float
    ended: bool = False

    def take(self, events: list[StreamEvent]) -> list[str]:
        """SSE text of buffer events, up to and including a closing one, as one chunk.

        Tokens that were already buffered together go out as one ``token`` event (with the last
        one's id, so a reconnecting reader resumes after all of them), and the whole batch as
        one write: under load a reader finds several waiting, and each event and each write
        costs the web process CPU.
        """
        out: list[str] = []
        tokens: list[StreamEvent] = []
        for event in events:
            self.after = event.seq
            if event.kind == TOKEN:
                tokens.append(event)
                continue
            out += _token_event(tokens)
            tokens = []
            out.append(sse(event.kind, event.data, event.seq))
            if event.kind in FINAL_KINDS:
                self.ended = True
                break
        out += _token_event(tokens)
        return ["".join(out)] if out else []

    def start(self, events: list[StreamEvent]) -> list[str]:
        """The first (non-blocking) read; a finished reply ends here."""
        out = self.take(events)
        if self.final is not None and not self.ended:
            # The buffer expired (or never held the end): the row has the reply.
            out += self.final[-1:] if out or self.after else self.final
            self.ended = True
        return out

    def settle(self) -> list[str]:
        """At the reply's deadline (sync, database): its closing events, failing it first if it
        is still pending or streaming. A reply that moved on (a retry) gets a new deadline."""
        message = Message.objects.select_related("conversation").filter(pk=self.message_id)
        found = message.first()
        if found is None:  # deleted meanwhile
            self.ended = True
            return [sse(ERROR, json.dumps({"id": self.message_id, "status": "failed"}))]
        timeout = float(llmshop_settings.CHAT_REPLY_TIMEOUT)
        if not found.is_final and not fail_stuck_reply(found, timezone.now(), timeout):
            found.refresh_from_db()
        if not found.is_final:
            self.reply_deadline = _deadline(found)
            return []
        self.ended = True
        return final_events(found, self.after)

    def wait_for(self, now: float, stream_deadline: float) -> float:
        return max(0.0, min(HEARTBEAT_SECONDS, self.reply_deadline - now, stream_deadline - now))


def _deadline(message: Message) -> float:
    timeout = timedelta(seconds=float(llmshop_settings.CHAT_REPLY_TIMEOUT))
    left = (message.updated_at + timeout - timezone.now()).total_seconds()
    return time.monotonic() + left


def release_request_thread() -> None:
    """Let go of the thread Django's ASGI handler keeps for this request's sync code.

    Django runs a request's sync middleware and views in one thread of their own, kept until
    the response ends; for a stream that is a thread per open stream. Sync code that runs later
    in the request gets a new thread. Without asgiref's per-context executors this does nothing.
    """
    context_var = getattr(SyncToAsync, "thread_sensitive_context", None)
    executors = getattr(SyncToAsync, "context_to_thread_executor", None)
    context = context_var.get(None) if context_var is not None else None
    if context is None or executors is None:
        return
    executor = executors.pop(context, None)
    if executor is not None:
        executor.shutdown(wait=False)  # its only thread is idle: it ends at once


def _settle_and_release(relay: Relay) -> list[str]:
    try:
        return relay.settle()
    finally:
        release_connections()


def sync_events(relay: Relay, buffer: StreamBuffer) -> Iterator[str]:
    release_connections()
    yield "retry: 2000\n\n"
    yield from relay.start(buffer.read(relay.message_id, relay.after))
    stream_deadline = time.monotonic() + MAX_STREAM_SECONDS
    while not relay.ended:
        now = time.monotonic()
        if now >= stream_deadline:
            return
        if now >= relay.reply_deadline:
            yield from _settle_and_release(relay)
            continue
        wait = relay.wait_for(now, stream_deadline)
        events = buffer.read(relay.message_id, relay.after, block=wait)
        yield from relay.take(events) if events else [": keep-alive\n\n"]


async def async_events(relay: Relay, buffer: StreamBuffer) -> AsyncIterator[bytes]:
    # Bytes, not text: Django would otherwise look up the response's charset for every chunk.
    in_request_thread: Callable[[Relay], Any] = sync_to_async(
        _settle_and_release, thread_sensitive=True
    )
    await sync_to_async(release_connections, thread_sensitive=True)()
    release_request_thread()
    yield b"retry: 2000\n\n"
    for chunk in relay.start(await buffer.aread(relay.message_id, relay.after)):
        yield chunk.encode()
    if relay.ended:
        return
    stream_deadline = time.monotonic() + MAX_STREAM_SECONDS
    async with buffer.subscribe(relay.message_id, relay.after) as subscription:
        while not relay.ended:
            now = time.monotonic()
            if now >= stream_deadline:
                return
            if now >= relay.reply_deadline:
                chunks: list[str] = await in_request_thread(relay)
                release_request_thread()
                for chunk in chunks:
                    yield chunk.encode()
                continue
            events = await subscription.next(relay.wait_for(now, stream_deadline))
            for chunk in relay.take(events) if events else [": keep-alive\n\n"]:
                yield chunk.encode()


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
    relay = Relay(
        message_id=message.pk,
        after=after,
        final=final_events(message, after) if message.is_final else None,
        reply_deadline=_deadline(message),
    )
    buffer = get_stream_buffer()
    events: Iterator[str] | AsyncIterator[bytes]
    if isinstance(request, ASGIRequest):
        events = async_events(relay, buffer)
    else:
        events = sync_events(relay, buffer)
    response = StreamingHttpResponse(events, content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # nginx: do not buffer the stream
    return response
