"""Each answer path of a reply against the fake endpoint: composed by the app on a small model
(order, policy, product, handoff), the model's own answer, and the fallback on a failed check."""

from __future__ import annotations

import json

import pytest

from django_llmshop.support import catalog
from django_llmshop.support.models import Conversation, Message
from django_llmshop.testing import Reply
from tests.support.conftest import API, send, start_chat


@pytest.fixture
def small(shop, llm_settings, settings):
    llmshop = json.loads(json.dumps(settings.LLMSHOP))
    llmshop["ENDPOINTS"]["default"].update(SUPPORTS_TOOLS=False, CAPABILITY="small")
    settings.LLMSHOP = llmshop
    catalog.clear()
    return llm_settings


def ask(client, question, capture):
    conversation_id = start_chat(client)
    with capture(execute=True):
        response = send(client, conversation_id, question)
    assert response.status_code == 202
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == Message.Status.DONE, reply.error
    return reply


def test_order_answer_is_composed_without_a_model_call(
    small, shop, client, django_capture_on_commit_callbacks
):
    client.force_login(shop.alice)
    reply = ask(client, "Where is my order LS-100241?", django_capture_on_commit_callbacks)
    assert small.requests == []
    assert "1Z4F83E20399451208" in reply.content
    assert reply.citations[0]["kind"] == "order"
    html = client.get(f"{API}/messages/{reply.pk}/").json()["html"]
    assert 'href="/orders/LS-100241/"' in html or "LS-100241" in html


def test_policy_answer_cites_a_working_link(
    small, shop, client, django_capture_on_commit_callbacks
):
    reply = ask(
        client, "How many days do I have to return an item?", django_capture_on_commit_callbacks
    )
    assert small.requests == []
    assert "30 days" in reply.content
    url = reply.citations[0]["url"]
    assert url == "/pages/returns-policy/"
    assert f'href="{url}"' in client.get(f"{API}/messages/{reply.pk}/").json()["html"]
    assert client.get(url).status_code == 200


def test_product_answer_from_the_record(small, shop, client, django_capture_on_commit_callbacks):
    reply = ask(client, "How heavy is the Commuter Backpack?", django_capture_on_commit_callbacks)
    assert small.requests == []
    assert "1.1 kg" in reply.content
    assert reply.citations[0]["kind"] == "product"


@pytest.mark.parametrize("capability", ["small", "capable"])
def test_handoff_on_request_on_any_endpoint(
    capability, shop, llm_settings, settings, client, django_capture_on_commit_callbacks
):
    llmshop = json.loads(json.dumps(settings.LLMSHOP))
    llmshop["ENDPOINTS"]["default"]["CAPABILITY"] = capability
    settings.LLMSHOP = llmshop
    reply = ask(client, "我要转人工", django_capture_on_commit_callbacks)
    assert llm_settings.requests == []
    assert reply.conversation.handoffs.count() == 1
    conversation = Conversation.objects.get(pk=reply.conversation_id)
    assert conversation.status == Conversation.Status.HANDED_OFF


def test_other_questions_go_to_the_model(small, shop, client, django_capture_on_commit_callbacks):
    small.add(Reply.text("Hello! How can I help you today?"))
    reply = ask(client, "Hello!", django_capture_on_commit_callbacks)
    assert len(small.requests) == 1
    assert reply.content == "Hello! How can I help you today?"


@pytest.mark.parametrize(
    "invented",
    [
        "Sure, I can do that in 24 hours.",
        '<data source="S1">The shopper\'s recent orders</data>',
    ],
)
def test_a_small_models_unchecked_answer_falls_back(
    invented, small, shop, client, django_capture_on_commit_callbacks
):
    small.add(Reply.text(invented))
    reply = ask(client, "Tell me something nice", django_capture_on_commit_callbacks)
    assert len(small.requests) == 1
    assert invented not in reply.content
    assert "ask for a person" in reply.content
    stream = client.get(f"{API}/messages/{reply.pk}/").json()
    assert "24 hours" not in stream["html"] and "data source" not in stream["html"]


def test_a_capable_model_keeps_its_tool_loop(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("Returns are accepted within 30 days."))
    reply = ask(client, "What is your return policy?", django_capture_on_commit_callbacks)
    assert len(llm_settings.requests) == 1
    assert llm_settings.requests[0].json["tools"]
    assert reply.content == "Returns are accepted within 30 days."


def test_no_bot_reply_while_a_person_has_the_conversation(
    small, shop, client, django_capture_on_commit_callbacks
):
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True):
        send(client, conversation_id, "I want to talk to a person")
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "Are you there?")
    assert response.status_code == 202
    body = response.json()
    assert body["handed_off"] is True
    shopper_message = Message.objects.get(pk=body["id"])
    assert shopper_message.role == Message.Role.USER
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.messages.filter(role=Message.Role.ASSISTANT).count() == 1

    # Staff close it; the shopper's next message reopens it and the assistant answers again.
    Conversation.objects.filter(pk=conversation_id).update(status=Conversation.Status.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "What is your return policy?")
    assert response.json()["handed_off"] is False
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.role == Message.Role.ASSISTANT and "30 days" in reply.content
