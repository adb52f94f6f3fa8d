"""A reply ends as failed, with its reason and a call-log row, whatever goes wrong, and an
empty answer is never stored as one."""

from __future__ import annotations

import json

import pytest

from django_llmshop.models import LLMCall
from django_llmshop.support import replies
from django_llmshop.support.models import Conversation, Message, StreamEvent
from django_llmshop.testing import Reply


@pytest.fixture
def reply(db):
    conversation = Conversation.objects.create(session_key="endings", language="en")
    Message.objects.create(conversation=conversation, role="user", content="Is it steel?")
    return Message.objects.create(
        conversation=conversation, role="assistant", status=Message.Status.PENDING
    )


def last_event(message):
    row = StreamEvent.objects.filter(message=message).order_by("-seq").first()
    return row.kind, json.loads(row.data)


def test_an_error_before_the_model_is_called_fails_the_reply_and_is_logged(
    reply, llm_settings, monkeypatch, caplog
):
    def broken(question, *args, **kwargs):
        raise RuntimeError("the knowledge index is corrupt")

    monkeypatch.setattr(replies.retrieval, "search", broken)
    assert replies.generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED
    assert reply.content == replies.failure_text("en")
    assert reply.error == "RuntimeError: the knowledge index is corrupt"
    call = LLMCall.objects.get()
    assert (call.purpose, call.status, call.error_class, call.http_status) == (
        "support", "error", "RuntimeError", None,
    )  # fmt: skip
    assert reply.llm_call == call
    assert llm_settings.requests == []
    assert last_event(reply) == ("error", replies.failure_event(reply))
    assert "Traceback" in caplog.text


def test_an_error_after_the_model_answered_keeps_one_row_for_the_one_call(
    reply, llm_settings, monkeypatch
):
    llm_settings.add(Reply.text("It is steel."))

    def broken(text, allowed):
        raise ValueError("a check that broke")

    monkeypatch.setattr(replies.safety, "check_reply", broken)
    assert replies.generate_reply(reply.pk)
    reply.refresh_from_db()
    assert (reply.status, reply.error) == ("failed", "ValueError: a check that broke")
    assert list(LLMCall.objects.values_list("status", flat=True)) == ["ok"]
    assert last_event(reply)[0] == "error"


@pytest.mark.parametrize(
    "script",
    [
        [Reply.text("")],
        [Reply.raw(b"data: [DONE]\n\n")],
        [Reply.tool_calls(("search_catalog", {"query": "bottle"}))] * 5,
    ],
    ids=["empty text", "no chunk at all", "tool calls to the last step"],
)
def test_no_answer_is_never_an_empty_reply(reply, llm_settings, settings, script):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_MAX_TOOL_STEPS": 2}
    llm_settings.add(*script)
    assert replies.generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE
    assert reply.content == replies.no_answer_text("en")
    kind, payload = last_event(reply)
    assert (kind, payload["content"]) == ("done", reply.content)
    assert LLMCall.objects.count() == (3 if len(script) > 1 else 1)


def test_the_fallback_is_translated(reply, llm_settings):
    Conversation.objects.filter(pk=reply.conversation_id).update(language="zh-hans")
    llm_settings.add(Reply.text(""))
    replies.generate_reply(reply.pk)
    reply.refresh_from_db()
    assert reply.content == "抱歉，我没有找到这个问题的答案。需要我请我们的人工客服来帮您吗？"
