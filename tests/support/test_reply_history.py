"""What a reply's model call is told of the conversation so far: the turns before the question,
oldest first, read in the same query as the reply itself."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.prompts import STAFF_PREFIX
from django_llmshop.support.replies import generate_reply
from django_llmshop.testing import Reply


def said(conversation: Conversation, role: str, content: str, **fields: object) -> Message:
    fields.setdefault("status", Message.Status.DONE)
    return Message.objects.create(conversation=conversation, role=role, content=content, **fields)


@pytest.fixture
def conversation(shop) -> Conversation:
    chat = Conversation.objects.create(user=shop.alice)
    said(chat, "user", "Do you sell mugs?")
    said(chat, "assistant", "Yes, we sell blue and red mugs.")
    said(chat, "system", "The shopper opened the widget on the mugs page.")
    said(chat, "user", "Which is cheaper?")
    said(chat, "assistant", "Half-written", status=Message.Status.FAILED)
    said(chat, "staff", "The red one is on sale this week.")
    return chat


def test_the_model_is_sent_the_done_turns_before_the_question(conversation, llm_settings):
    llm_settings.add(Reply.text("The red mug costs less."))
    other = Conversation.objects.create(session_key="someone-else")
    said(other, "user", "A question of another shopper")
    said(conversation, "user", "Then I take the red one. Is it dishwasher safe?")
    reply = said(conversation, "assistant", "", status=Message.Status.PENDING)
    said(other, "user", "A later question of another shopper")

    assert generate_reply(reply.pk)

    [request] = llm_settings.requests
    sent = [(m["role"], m["content"]) for m in request.json["messages"] if m["role"] != "system"]
    assert sent == [
        ("user", "Do you sell mugs?"),
        ("assistant", "Yes, we sell blue and red mugs."),
        ("user", "Which is cheaper?"),
        ("assistant", STAFF_PREFIX + "The red one is on sale this week."),
        ("user", "Then I take the red one. Is it dishwasher safe?"),
    ]
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE and reply.content == "The red mug costs less."


def test_the_reply_and_its_history_are_one_query(conversation, llm_settings):
    said(conversation, "user", "Is it dishwasher safe?")
    reply = said(conversation, "assistant", "", status=Message.Status.PENDING)
    llm_settings.add(Reply.text("Yes."))
    with CaptureQueriesContext(connection) as queries:
        assert generate_reply(reply.pk)
    message_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and 'FROM "llmshop_support_message"' in q["sql"]
    ]
    assert len(message_reads) == 1, message_reads


def test_a_reply_deleted_after_its_claim_is_an_error(conversation, monkeypatch):
    from django_llmshop.support import replies

    said(conversation, "user", "Is it dishwasher safe?")
    reply = said(conversation, "assistant", "", status=Message.Status.PENDING)
    Message.objects.filter(pk=reply.pk).delete()
    with pytest.raises(Message.DoesNotExist):
        replies._reply_and_earlier(reply.pk)
