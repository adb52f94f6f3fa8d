"""Hostile input gets a 400 or a notice, never a 500: NUL, surrogates, deep JSON, huge ids."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from django_llmshop.support.models import Conversation, Message
from tests.api.conftest import API, client_as

NESTED = "[" * 50_000 + "]" * 50_000


def test_fifty_thousand_nested_brackets_are_a_400(rows):
    client = client_as("shopper", rows)
    url = f"{API}/chat/conversations/{rows.conversation.pk}/messages/"
    response = client.post(url, NESTED, content_type="application/json")
    assert response.status_code == 400
    nested_object = '{"content": ' * 40 + '"x"' + "}" * 40
    assert client.post(url, nested_object, content_type="application/json").status_code == 400
    assert rows.conversation.messages.count() == 2


@pytest.mark.parametrize(
    "body",
    [
        '{"content": "hello\\u0000world"}',
        '{"content": "lone \\ud800 surrogate"}',
        '{"content": "fine", "extra": {"key\\u0000": 1}}',
        '{"content": NaN}',
        b'{"content": "\xff\xfe"}',
        '{"content": ["a", "b"]}',
        '{"content": {"a": 1}}',
        "[]",
        "null",
    ],
)
def test_unstorable_or_mistyped_json_is_a_400(rows, body):
    client = client_as("shopper", rows)
    url = f"{API}/chat/conversations/{rows.conversation.pk}/messages/"
    assert client.post(url, body, content_type="application/json").status_code == 400
    assert rows.conversation.messages.count() == 2


def test_a_body_over_the_upload_limit_is_a_400(rows, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    client = client_as("shopper", rows)
    body = json.dumps({"content": "x" * 2000})
    url = f"{API}/chat/conversations/{rows.conversation.pk}/messages/"
    assert client.post(url, body, content_type="application/json").status_code == 400


def test_a_nul_in_the_widget_form_is_shown_in_the_widget(db):
    client = Client()
    response = client.post(f"{API}/chat/widget/send/", {"content": "where\x00is my order"})
    assert response.status_code == 200
    assert "Null characters are not allowed" in response.content.decode()
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("staff", "/content/drafts/?product_id=1%00", 400),
        ("staff", "/content/drafts/?kind=%00", 400),
        ("staff", "/content/drafts/?job=99999999999999999999999", 400),
        ("staff", "/content/drafts/?job=%D9%A3", 400),  # an Arabic-Indic digit
        ("staff", "/content/jobs/99999999999999999999999/", 404),
        ("shopper", "/chat/messages/99999999999999999999999/", 404),
        ("anonymous", "/recommendations/?product_id=1%00&limit=1e999", 400),
        ("anonymous", "/recommendations/block/?product_id=%00&limit=%00", 200),
    ],
)
def test_bad_query_strings_and_ids(rows, who, path, status):
    assert client_as(who, rows).get(API + path).status_code == status


def test_a_nul_in_a_handoff_reason_is_a_400(rows):
    client = client_as("shopper", rows)
    url = f"{API}/chat/conversations/{rows.conversation.pk}/handoff/"
    assert client.post(url, {"reason": "now\x00"}).status_code == 400
    assert not rows.conversation.handoffs.exists()
    response = client.post(url, {"reason": "x" * 5000}, content_type="application/json")
    assert response.status_code == 201
    assert len(rows.conversation.handoffs.get().reason) <= 1000


@pytest.mark.parametrize("after", ["%C2%B2", "9" * 5000, "%00", "-1"])
def test_a_stream_resumed_from_a_bad_event_id_starts_at_the_beginning(rows, after):
    client = client_as("shopper", rows)  # the reply failed: its stream ends at once
    response = client.get(f"{API}/chat/messages/{rows.message.pk}/stream/?after={after}")
    assert response.status_code == 200
    headers = {"Last-Event-ID": after.replace("%C2%B2", "²").replace("%00", "0")}
    response = client.get(f"{API}/chat/messages/{rows.message.pk}/stream/", headers=headers)
    assert response.status_code == 200
