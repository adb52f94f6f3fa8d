"""Who may see what, and the limits checked before any model call."""

from __future__ import annotations

import pytest
from django.test import Client

from django_llmshop.support.models import Conversation, Message
from tests.support.conftest import API, new_reply, send, start_chat

ENDPOINTS = [
    ("get", "{api}/conversations/{c}/"),
    ("post", "{api}/conversations/{c}/messages/"),
    ("post", "{api}/conversations/{c}/handoff/"),
    ("get", "{api}/messages/{m}/"),
    ("get", "{api}/messages/{m}/stream/"),
    ("post", "{api}/messages/{m}/retry/"),
    ("post", "{api}/messages/{m}/rating/"),
]


def call(client: Client, method: str, url: str):
    if method == "get":
        return client.get(url)
    body = {"content": "show me the order", "value": 1, "reason": "x"}
    return client.post(url, body, content_type="application/json")


@pytest.mark.parametrize(("method", "pattern"), ENDPOINTS)
@pytest.mark.parametrize("who", ["another shopper", "anonymous", "staff"])
def test_nobody_but_the_owner_reaches_a_logged_in_shoppers_chat(shop, method, pattern, who):
    conversation = Conversation.objects.create(user=shop.alice)
    reply = new_reply(conversation, "where is my order?")
    reply.status = Message.Status.FAILED
    reply.save()
    client = Client()
    if who == "another shopper":
        client.force_login(shop.bob)
    elif who == "staff":
        client.force_login(shop.staff)
    url = pattern.format(api=API, c=conversation.pk, m=reply.pk)
    response = call(client, method, url)
    assert response.status_code == 404
    reply.refresh_from_db()
    assert reply.status == Message.Status.FAILED and reply.rating == 0
    assert conversation.messages.count() == 2
    assert not conversation.handoffs.exists()


@pytest.mark.parametrize(("method", "pattern"), ENDPOINTS)
@pytest.mark.parametrize("who", ["another session", "a logged-in shopper"])
def test_nobody_but_the_owner_reaches_an_anonymous_chat(shop, method, pattern, who):
    owner = Client()
    conversation_id = start_chat(owner)
    conversation = Conversation.objects.get(pk=conversation_id)
    reply = new_reply(conversation, "hello")
    other = Client()
    if who == "a logged-in shopper":
        other.force_login(shop.bob)
    else:
        start_chat(other)  # has a session and a chat of its own
    url = pattern.format(api=API, c=conversation_id, m=reply.pk)
    assert call(other, method, url).status_code == 404
    # The owner gets through (the stream of a pending reply would wait, so skip it).
    if "stream" not in pattern and "retry" not in pattern:
        assert call(owner, method, url).status_code < 300


def test_every_post_needs_the_csrf_token(shop):
    for login in (None, shop.alice):
        client = Client(enforce_csrf_checks=True)
        if login is not None:
            client.force_login(login)
        assert client.post(f"{API}/conversations/").status_code == 403
        client.get("/")  # the storefront sets the CSRF cookie
        token = client.cookies["csrftoken"].value
        response = client.post(f"{API}/conversations/", headers={"X-CSRFToken": token})
        assert response.status_code == 201


def test_an_oversized_message_is_refused_before_any_model_call(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send(client, conversation_id, "x" * 2001)
    assert response.status_code == 413
    assert response.json()["error"] == "message_too_long"
    assert callbacks == []
    assert llm_settings.requests == []
    assert not Message.objects.filter(conversation_id=conversation_id).exists()
    assert send(client, conversation_id, "y" * 2000).status_code == 202


def test_over_the_rate_limit_is_429_without_a_model_call(
    shop, llm_settings, settings, client, django_capture_on_commit_callbacks
):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_RATE_LIMIT_PER_SESSION": 2}
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        statuses = [send(client, conversation_id, f"question {i}").status_code for i in range(3)]
    assert statuses == [202, 202, 429]
    assert len(callbacks) == 2  # two replies queued, none for the third
    assert llm_settings.requests == []
    assert Message.objects.filter(conversation_id=conversation_id, role="user").count() == 2


def test_the_ip_limit_counts_across_sessions(shop, llm_settings, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_RATE_LIMIT_PER_IP": 2}
    statuses = []
    for _ in range(3):
        client = Client()
        statuses.append(send(client, start_chat(client), "hello").status_code)
    assert statuses == [202, 202, 429]


def test_tools_read_only_the_conversation_owners_orders(shop):
    from django_llmshop.llm import ToolCall
    from django_llmshop.support.tools import ChatContext, run_tool

    conversation = Conversation.objects.create(user=shop.alice)
    ctx = ChatContext(conversation=conversation, user=shop.alice)
    for arguments in (
        '{"order_number": "LS-100233"}',
        '{"order_number": "LS-100233", "user": "bob", "user_id": 2}',
        '{"order_number": "ls-100233 OR 1=1"}',
    ):
        wrapped, record = run_tool(ctx, ToolCall("c1", "get_my_order", arguments))
        assert '"error"' in wrapped
        assert (
            "CANARY" not in wrapped and "LS-100233" not in wrapped and "CANARY" not in str(record)
        )
    own, _ = run_tool(ctx, ToolCall("c2", "get_my_order", '{"order_number": "LS-100231"}'))
    assert "1Z4F83E20398127745" in own
    listed, _ = run_tool(ctx, ToolCall("c3", "list_my_orders", '{"user": "bob"}'))
    assert "LS-100231" in listed and "LS-100233" not in listed
    anonymous = ChatContext(conversation=Conversation.objects.create(), user=None)
    refused, _ = run_tool(
        anonymous, ToolCall("c4", "get_my_order", '{"order_number": "LS-100231"}')
    )
    assert "not logged in" in refused and "1Z4F" not in refused
