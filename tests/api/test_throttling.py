"""Every anonymous write is rate limited per shopper and per client IP, with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from django_llmshop.recommend.models import ShopperEvent
from django_llmshop.support.models import Conversation, Message
from tests.api.conftest import API, csrf_client

CONVERSATIONS = f"{API}/chat/conversations/"
EVENTS = f"{API}/events/"
WIDGET_SEND = f"{API}/chat/widget/send/"


def start(client: Client, token: str = "") -> Any:
    return client.post(CONVERSATIONS, headers={"X-CSRFToken": token} if token else {})


def assert_rate_limited(response: Any) -> None:
    assert response.status_code == 429
    assert response.json()["error"] == "rate_limited"
    assert response.json()["detail"]
    assert int(response["Retry-After"]) >= 1


def test_one_session_starts_only_the_configured_number_of_conversations(db):
    client, token = csrf_client()
    statuses = [start(client, token).status_code for _ in range(11)]
    assert statuses == [201] * 10 + [429]  # CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION: 10
    assert_rate_limited(start(client, token))
    assert Conversation.objects.count() == 10


def test_conversations_from_one_ip_are_limited_across_sessions(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 3}
    # A new cookie-less client per request: a new session every time, one IP address.
    statuses = [start(Client()).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    assert Conversation.objects.count() == 3


def test_messages_are_limited_with_retry_after(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_RATE_LIMIT_PER_SESSION": 2}
    client = Client()
    conversation = start(client).json()["id"]
    url = f"{CONVERSATIONS}{conversation}/messages/"
    responses = [
        client.post(url, {"content": f"question {i}"}, content_type="application/json")
        for i in range(3)
    ]
    assert [r.status_code for r in responses] == [202, 202, 429]
    assert_rate_limited(responses[-1])
    assert Message.objects.filter(role="user").count() == 2


def test_the_widget_and_the_api_share_the_message_count(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_RATE_LIMIT_PER_SESSION": 2}
    client = Client()
    assert client.post(WIDGET_SEND, {"content": "first"}).status_code == 200
    conversation = Conversation.objects.get()
    url = f"{CONVERSATIONS}{conversation.pk}/messages/"
    assert client.post(url, {"content": "second"}, content_type="application/json").status_code
    assert_rate_limited(client.post(url, {"content": "third"}, content_type="application/json"))
    refused = client.post(WIDGET_SEND, {"content": "fourth"})
    assert refused.status_code == 200
    assert "Too many messages" in refused.content.decode()
    assert Message.objects.filter(role="user").count() == 2


def test_the_widget_cannot_start_conversations_without_limit(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 2}
    pages = [Client().post(WIDGET_SEND, {"content": "hi"}).content.decode() for _ in range(3)]
    assert "Too many new conversations" in pages[-1]
    assert all("Too many" not in page for page in pages[:2])
    assert Conversation.objects.count() == 2


def test_events_are_limited_with_retry_after(db, settings, rows):
    settings.LLMSHOP = {**settings.LLMSHOP, "RECOMMEND_EVENT_RATE_LIMIT": 2}
    client, token = csrf_client()
    data = {"product_id": str(rows.product.pk), "type": "view"}
    responses = [client.post(EVENTS, data, HTTP_X_CSRFTOKEN=token) for _ in range(3)]
    assert [r.status_code for r in responses] == [201, 201, 429]
    assert_rate_limited(responses[-1])
    assert ShopperEvent.objects.filter(user=None).count() == 2


@pytest.mark.parametrize(
    ("trusted", "forwarded", "separate"),
    [
        (["10.0.0.0/8"], ["203.0.113.7", "203.0.113.8"], True),
        (1, ["203.0.113.7", "203.0.113.8"], True),
        ([], ["203.0.113.7", "203.0.113.8"], False),  # no trusted proxy: one bucket
    ],
)
def test_per_ip_limits_behind_a_trusted_proxy(db, settings, trusted, forwarded, separate):
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "TRUSTED_PROXIES": trusted,
        "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 2,
    }
    first, second = (
        Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=address) for address in forwarded
    )
    assert [start(first).status_code for _ in range(3)] == [201, 201, 429]
    assert start(second).status_code == (201 if separate else 429)


def test_a_forged_forwarded_for_from_an_untrusted_client_changes_nothing(db, settings):
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "TRUSTED_PROXIES": ["10.0.0.0/8"],
        "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 2,
    }
    statuses = [
        start(Client(REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")).status_code
        for n in range(4)
    ]
    assert statuses == [201, 201, 429, 429]
    # Through the proxy, addresses forged left of the one it appended change nothing either.
    behind = [
        start(
            Client(REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 203.0.113.50")
        ).status_code
        for n in range(3)
    ]
    assert behind == [201, 201, 429]


def test_ipv6_shoppers_are_limited_per_network(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_CONVERSATION_RATE_LIMIT_PER_IP": 2}
    same_network = ["2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:2:abcd::9"]
    assert [start(Client(REMOTE_ADDR=a)).status_code for a in same_network] == [201, 201, 429]
    assert start(Client(REMOTE_ADDR="2001:db8:1:3::1")).status_code == 201


def test_the_refusal_speaks_the_shoppers_language(db, settings):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_CONVERSATION_RATE_LIMIT_PER_SESSION": 1}
    client = Client(headers={"Accept-Language": "zh-hans"})
    assert start(client).status_code == 201
    refused = start(client)
    assert_rate_limited(refused)
    assert refused.json()["detail"] == "新建对话过于频繁，请稍候再试。"
