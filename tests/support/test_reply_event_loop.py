"""With the Redis buffer, a reply's model call streams in the process's event loop thread.

The task's thread holds the budget and writes the call log; the loop thread reads the endpoint
and writes the tokens. What the shopper gets, and what the log holds, is the same as on the
sync path (the database buffer), for a plain reply, a tool loop and a stream cut short.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from django_llmshop.eventloop import process_loop
from django_llmshop.models import LLMCall
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.replies import generate_reply
from django_llmshop.support.streambuffer import RedisStreamBuffer, get_stream_buffer
from django_llmshop.testing import Reply
from tests.support.conftest import new_reply, redis_url_or_skip

WORDS = " ".join(f"piece{i}" for i in range(12))


@pytest.fixture
def token_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads that wrote token events, in order."""
    names: list[str] = []
    args_of = RedisStreamBuffer._args

    # Every write, one by one or in the event loop's batches, makes its script call's arguments.
    def noting(self: Any, events: list[Any]) -> list[Any]:
        names.extend(threading.current_thread().name for e in events if e[2] == "token")
        return args_of(self, events)

    monkeypatch.setattr(RedisStreamBuffer, "_args", noting)
    return names


def calls_of(reply: Message) -> list[LLMCall]:
    return list(LLMCall.objects.filter(object_id=str(reply.pk)).order_by("pk"))


def streamed_text(reply: Message) -> str:
    events = get_stream_buffer().read(reply.pk, 0)
    return "".join(e.decoded() for e in events if e.kind == "token")


def test_tokens_are_written_from_the_loop_thread(shop, db, settings, llm_settings, token_threads):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_STREAM_REDIS_URL": redis_url_or_skip()}
    llm_settings.add(Reply.text(WORDS, token_delay=0.01))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    assert generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE and reply.content == WORDS
    assert streamed_text(reply) == WORDS
    assert token_threads and set(token_threads) == {process_loop().name}
    [call] = calls_of(reply)
    assert call.status == LLMCall.Status.OK and call.purpose == "support"
    assert reply.llm_call_id == call.pk


def test_the_same_reply_and_log_on_both_paths(shop, db, stream_backend, llm_settings):
    """A tool call, then the answer: two calls logged, the text of both steps streamed."""
    llm_settings.add(
        Reply.tool_calls(("search_products", {"query": "mug"}), content="Let me look."),
        Reply.text("We have a blue mug.", token_delay=0.005),
    )
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Do you sell mugs?")
    assert generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE
    assert reply.content == "Let me look.\n\nWe have a blue mug."
    assert streamed_text(reply) == reply.content
    calls = calls_of(reply)
    assert [c.status for c in calls] == [LLMCall.Status.OK, LLMCall.Status.OK]
    assert reply.llm_call_id == calls[-1].pk
    assert [t["name"] for t in reply.tool_calls] == ["search_products"]


def test_a_stream_cut_short_fails_the_reply_with_its_call_logged(
    shop, db, stream_backend, llm_settings
):
    llm_settings.add(*[Reply.reset_mid_stream(after_chunks=3)] * 4)
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    assert generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED and reply.error
    calls = calls_of(reply)
    assert calls and all(c.status == LLMCall.Status.ERROR for c in calls)
    assert get_stream_buffer().read(reply.pk, 0)[-1].kind == "error"


def test_a_second_attempt_streams_none_of_the_first_attempts_events(
    shop, db, stream_backend, llm_settings
):
    """A worker died mid-stream (the reply is still streaming, one attempt made): the attempt
    that takes it over starts the stream afresh; the first attempt's words are not replayed."""
    llm_settings.add(Reply.text(WORDS))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    Message.objects.filter(pk=reply.pk).update(status=Message.Status.STREAMING, attempts=1)
    buffer = get_stream_buffer()
    buffer.append(reply.pk, 1, "token", '"Half a sentence from the dead worker "')
    assert generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE and reply.attempts == 2
    assert streamed_text(reply) == WORDS
    assert [e.seq for e in buffer.read(reply.pk, 0)][0] == 1


def test_a_first_attempt_streams_after_what_the_queue_cleared(
    shop, db, stream_backend, llm_settings
):
    """The first attempt leaves the clearing to whoever queued it (a new message, a retry):
    a reply posted as a shopper would, over events left under its id, streams only itself."""
    from django_llmshop.support.services import retry_reply

    llm_settings.add(Reply.text("first"), Reply.text(WORDS))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "Tell me a story")
    assert generate_reply(reply.pk)
    Message.objects.filter(pk=reply.pk).update(status=Message.Status.FAILED, attempts=0)
    reply.refresh_from_db()
    assert retry_reply(reply)
    assert generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE and reply.attempts == 1
    assert streamed_text(reply) == WORDS
