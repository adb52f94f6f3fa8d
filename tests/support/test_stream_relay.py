"""What an open stream holds, and how every stream ends.

Under ASGI an open stream holds no database connection and no thread: the view reads the reply
once, and the stream then waits on the stream buffer only. A reply that fails, expires or whose
worker died ends its stream with an ``error`` event; a quiet stream sends heartbeats meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import SyncToAsync
from django.core.handlers.asgi import ASGIHandler
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from django_llmshop.support import stream
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.payloads import message_payload
from django_llmshop.support.replies import generate_reply
from django_llmshop.support.streambuffer import DONE, get_stream_buffer
from django_llmshop.support.streamwriter import StreamWriter
from django_llmshop.testing import Reply
from tests.support.conftest import API, new_reply, parse_sse, redis_url_or_skip

#: More streams than the event loop's default thread pool has threads.
STREAMS = 40


class ConnectionCount:
    """Every database connection wrapper that connects, in any thread; which are open now."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.wrappers: list[BaseDatabaseWrapper] = []
        connect = BaseDatabaseWrapper.connect

        def counted(wrapper: BaseDatabaseWrapper) -> None:
            self.wrappers.append(wrapper)
            connect(wrapper)

        monkeypatch.setattr(BaseDatabaseWrapper, "connect", counted)

    def open_in_other_threads(self, own: BaseDatabaseWrapper) -> int:
        alive = {id(w) for w in self.wrappers if w is not own and w.connection is not None}
        return len(alive)


def asgi_scope(path: str, cookie: str) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }


class AsgiStream:
    """One GET through Django's ASGI handler, in this process; ``body`` grows as it is sent."""

    def __init__(self, path: str, cookie: str) -> None:
        self.scope = asgi_scope(path, cookie)
        self.body = ""
        self.status = 0
        self.started = asyncio.Event()  # the first body chunk was sent
        self._requested = False

    async def receive(self) -> dict[str, Any]:
        if not self._requested:
            self._requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # the client stays connected; the handler cancels this
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
        elif message.get("body"):
            self.body += message["body"].decode()
            self.started.set()

    async def run(self) -> None:
        await ASGIHandler()(self.scope, self.receive, self.send)


def login_cookie(client: Any, user: Any) -> str:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


def finish_in_buffer(reply: Message, text: str) -> None:
    """What a worker does at the end of a reply: a token, the row, the ``done`` event."""
    writer = StreamWriter(get_stream_buffer(), reply.pk)
    writer.token(text)
    Message.objects.filter(pk=reply.pk).update(status=Message.Status.DONE, content=text)
    reply.refresh_from_db()
    writer.finish(DONE, message_payload(reply))


def test_open_asgi_streams_hold_no_connection_and_no_thread(
    shop, transactional_db, stream_backend, client, monkeypatch
):
    from django.db import connection

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite connection (set LLMSHOP_TEST_SQLITE)")
    cookie = login_cookie(client, shop.alice)
    conversation = Conversation.objects.create(user=shop.alice)
    replies = [new_reply(conversation, f"question {i}") for i in range(STREAMS)]
    count = ConnectionCount(monkeypatch)
    threads_before = threading.active_count()
    seen: dict[str, int] = {}

    async def scenario() -> list[AsgiStream]:
        streams = [AsgiStream(f"{API}/messages/{r.pk}/stream/", cookie) for r in replies]
        tasks = [asyncio.create_task(s.run()) for s in streams]
        await asyncio.gather(*(s.started.wait() for s in streams))
        await asyncio.sleep(0.3)  # the streams are now waiting on the buffer
        seen["connections"] = count.open_in_other_threads(connection)
        seen["executors"] = len(SyncToAsync.context_to_thread_executor)
        seen["threads"] = threading.active_count() - threads_before
        for reply in replies:
            await asyncio.to_thread(finish_in_buffer, reply, f"answer {reply.pk}")
        await asyncio.gather(*tasks)
        return streams

    streams = asyncio.run(scenario())
    # Each stream read its reply in a thread of its own, with a connection of its own ...
    assert len(count.wrappers) >= STREAMS
    # ... and let both go before it waited: none is held while the streams are open. The
    # database buffer polls in the event loop's default thread pool, with a connection only
    # while a poll reads: a few at most, however many streams are open.
    pool = min(32, (os.cpu_count() or 1) + 4)
    assert seen["connections"] == 0 if stream_backend == "redis" else seen["connections"] <= pool
    assert seen["executors"] == 0
    assert seen["threads"] <= pool
    for reply, opened in zip(replies, streams, strict=True):
        events = parse_sse(opened.body)
        assert opened.status == 200
        assert [e.event for e in events] == ["token", "done"]
        assert events[0].json() == f"answer {reply.pk}"


def stuck_reply(shop: Any, status: str, age: float) -> Message:
    reply = new_reply(Conversation.objects.create(user=shop.alice), "where is it?")
    updated_at = timezone.now() - timedelta(seconds=age)
    Message.objects.filter(pk=reply.pk).update(status=status, updated_at=updated_at)
    reply.refresh_from_db()
    return reply


@pytest.mark.parametrize("status", [Message.Status.PENDING, Message.Status.STREAMING])
def test_a_reply_past_its_timeout_ends_the_stream_with_an_error(
    shop, transactional_db, stream_backend, client, settings, status
):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_REPLY_TIMEOUT": 30}
    reply = stuck_reply(shop, status, age=29.5)  # its worker died (or none serves the queue)
    if status == Message.Status.STREAMING:
        writer = StreamWriter(get_stream_buffer(), reply.pk)
        writer.token("Your order ")
        writer.flush()
    cookie = login_cookie(client, shop.alice)
    opened = AsgiStream(f"{API}/messages/{reply.pk}/stream/", cookie)
    asyncio.run(opened.run())
    events = parse_sse(opened.body)
    assert events[-1].event == "error"
    assert events[-1].json()["status"] == Message.Status.FAILED
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED and reply.error.startswith("SweptReply")
    if status == Message.Status.STREAMING:
        assert events[0].event == "token" and events[0].json() == "Your order "
    # the shopper's retry works on it at once
    response = client.post(f"{API}/messages/{reply.pk}/retry/")
    assert response.status_code == 202


def test_a_quiet_stream_sends_heartbeats_until_the_reply_expires(
    shop, transactional_db, client, settings, monkeypatch
):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_REPLY_TIMEOUT": 30}
    monkeypatch.setattr(stream, "HEARTBEAT_SECONDS", 0.1)
    reply = stuck_reply(shop, Message.Status.STREAMING, age=29.3)
    client.force_login(shop.alice)
    response = client.get(f"{API}/messages/{reply.pk}/stream/")  # WSGI: the sync iterator
    body = b"".join(response.streaming_content).decode()
    assert body.count(": keep-alive") >= 2
    assert body.index(": keep-alive") < body.index("event: error")
    assert parse_sse(body)[-1].event == "error"


def test_a_failed_reply_ends_its_open_stream_with_an_error(
    shop, transactional_db, stream_backend, llm_settings, client
):
    from django.db import connection

    if (
        stream_backend == "database"
        and connection.vendor == "sqlite"
        and connection.is_in_memory_db()
    ):
        # The reader's and the writer's threads share one in-memory database, whose shared
        # cache answers "table is locked" at once instead of waiting as a file database does.
        pytest.skip("the database stream buffer read while written needs a file database")
    llm_settings.add(Reply.error(500))
    cookie = login_cookie(client, shop.alice)
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")

    async def scenario() -> AsgiStream:
        opened = AsgiStream(f"{API}/messages/{reply.pk}/stream/", cookie)
        task = asyncio.create_task(opened.run())
        await opened.started.wait()  # open before the reply fails
        await asyncio.to_thread(generate_in_thread, reply.pk)
        await task
        return opened

    opened = asyncio.run(scenario())
    events = parse_sse(opened.body)
    assert [e.event for e in events] == ["error"]
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert json.loads(events[0].data)["message"] == reply.content


def generate_in_thread(message_id: int) -> None:
    from django.db import connection

    try:
        generate_reply(message_id)
    finally:
        connection.close()


def test_the_reply_task_holds_no_connection_while_tokens_flow(
    shop, transactional_db, llm_settings, settings
):
    """With the Redis buffer (the database buffer writes its tokens through a connection)."""
    from django.db import connection, connections

    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": redis_url_or_skip()}

    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("Django never closes an in-memory SQLite connection (set LLMSHOP_TEST_SQLITE)")
    words = " ".join(f"word{i}" for i in range(30))
    llm_settings.add(Reply.text(words, token_delay=0.05))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    worker: dict[str, BaseDatabaseWrapper] = {}

    def run() -> None:
        worker["connection"] = connections["default"]
        try:
            generate_reply(reply.pk)
        finally:
            connections["default"].close()

    thread = threading.Thread(target=run)
    thread.start()
    buffer = get_stream_buffer()
    events = buffer.read(reply.pk, 0, block=30)
    while not events and thread.is_alive():  # the first token is being written
        events = buffer.read(reply.pk, 0, block=1)
    held_while_streaming = worker["connection"].connection is not None
    thread.join()
    assert events and events[0].kind == "token"
    assert not held_while_streaming
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE and reply.content == words
