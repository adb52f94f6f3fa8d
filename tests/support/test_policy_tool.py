"""The ``read_policy`` tool finds the passages the answer plan would quote."""

from __future__ import annotations

import json

import pytest

from django_llmshop.llm import ToolCall
from django_llmshop.support.models import Conversation
from django_llmshop.support.tools import ChatContext, run_tool


def passages(shop, topic):
    conversation = Conversation.objects.create(user=shop.alice, language="en")
    ctx = ChatContext(conversation=conversation, user=shop.alice)
    wrapped, _ = run_tool(ctx, ToolCall("call_1", "read_policy", json.dumps({"topic": topic})))
    body = wrapped.split("\n", 1)[1].rsplit("\n", 1)[0]
    return json.loads(body)["passages"], ctx


@pytest.mark.parametrize(
    "topic",
    [
        "What is your return policy?",
        "Can I return something after 3 weeks?",  # small talk and "3" must not steer it
        "退货政策是什么？",  # Chinese words through the glossary
    ],
)
def test_the_first_passages_state_the_return_window(shop, topic):
    found, ctx = passages(shop, topic)
    assert any("30 days" in p["text"] for p in found[:3])
    assert "/pages/returns-policy/" in {s.url for s in ctx.sources.sources[:3]}


def test_each_passage_is_a_source_the_reply_can_cite(shop):
    found, ctx = passages(shop, "How fast is express delivery?")
    assert [p["source"] for p in found] == [s.id for s in ctx.sources.sources]
    assert any("2 working days" in p["text"] for p in found[:3])
