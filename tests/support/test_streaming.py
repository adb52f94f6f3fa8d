"""The SSE view streams while the reply is generated: WSGI with a sync iterator, ASGI async.

Django would collect a stream whose iterator kind does not match the server before sending
its first byte; these tests see the first token arrive before the generation has ended.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from django.core.handlers.asgi import ASGIHandler
from django.db import connection

from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.replies import generate_reply
from django_llmshop.testing import Reply
from tests.support.conftest import API, new_reply, parse_sse
from tests.support.test_stream_relay import asgi_scope

WORDS = " ".join(f"word{i}" for i in range(25))


def generate_in_thread(message_id: int, ended: dict[str, float]) -> threading.Thread:
    def run() -> None:
        try:
            generate_reply(message_id)
        finally:
            ended["at"] = time.monotonic()
            connection.close()

    return threading.Thread(target=run)


def test_wsgi_stream_sends_tokens_as_they_are_generated(
    shop, transactional_db, stream_backend, llm_settings, client
):
    llm_settings.add(Reply.text(WORDS, token_delay=0.04))
    client.force_login(shop.alice)
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    response = client.get(f"{API}/messages/{reply.pk}/stream/")
    assert not response.is_async
    ended: dict[str, float] = {}
    thread = generate_in_thread(reply.pk, ended)
    thread.start()
    first_token = None
    body = []
    for chunk in response.streaming_content:
        text = chunk.decode()
        body.append(text)
        if first_token is None and "event: token" in text:
            first_token = time.monotonic()
    thread.join()
    assert first_token is not None and first_token < ended["at"] - 0.3
    events = parse_sse("".join(body))
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE
    assert "".join(e.json() for e in events if e.event == "token") == reply.content == WORDS
    assert events[-1].event == "done" and events[-1].json()["id"] == reply.pk
    assert [int(e.id) for e in events if e.id] == sorted(int(e.id) for e in events if e.id)


async def asgi_get(path: str, cookie: str) -> list[tuple[float, dict[str, Any]]]:
    """Call Django's ASGI handler in process; returns (arrival time, message) as sent."""
    scope = asgi_scope(path, cookie)
    sent: list[tuple[float, dict[str, Any]]] = []
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected; the handler cancels this
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append((time.monotonic(), message))

    await ASGIHandler()(scope, receive, send)
    return sent


def test_asgi_stream_sends_tokens_as_they_are_generated(
    shop, transactional_db, stream_backend, llm_settings, client
):
    llm_settings.add(Reply.text(WORDS, token_delay=0.04))
    client.force_login(shop.alice)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    ended: dict[str, float] = {}
    thread = generate_in_thread(reply.pk, ended)
    thread.start()
    sent = asyncio.run(asgi_get(f"{API}/messages/{reply.pk}/stream/", cookie))
    thread.join()
    start = sent[0][1]
    assert start["type"] == "http.response.start" and start["status"] == 200
    assert (b"Content-Type", b"text/event-stream") in start["headers"]
    bodies = [(at, m.get("body", b"").decode()) for at, m in sent[1:]]
    first_token = next(at for at, text in bodies if "event: token" in text)
    assert first_token < ended["at"] - 0.3
    events = parse_sse("".join(text for _, text in bodies))
    reply.refresh_from_db()
    assert "".join(e.json() for e in events if e.event == "token") == reply.content == WORDS
    assert events[-1].event == "done"


def test_a_finished_reply_streams_from_the_database(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("All done."))
    client.force_login(shop.alice)
    reply = new_reply(Conversation.objects.create(user=shop.alice), "hi")
    generate_reply(reply.pk)
    from django_llmshop.support.streambuffer import get_stream_buffer

    get_stream_buffer().clear(reply.pk)  # the buffer expired
    events = parse_sse(
        b"".join(client.get(f"{API}/messages/{reply.pk}/stream/").streaming_content).decode()
    )
    assert [e.event for e in events] == ["token", "done"]
    assert events[0].json() == "All done."
    resumed = client.get(f"{API}/messages/{reply.pk}/stream/", headers={"Last-Event-ID": "3"})
    assert [e.event for e in parse_sse(b"".join(resumed.streaming_content).decode())] == ["done"]
