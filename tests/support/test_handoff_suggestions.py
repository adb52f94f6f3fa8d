"""Suggest a reply: the model drafts from the conversation and its cited sources, the draft
fills the staff reply field (escaped), nothing is sent; a failing endpoint gives a message."""

from __future__ import annotations

import socket

import pytest
from django.test import Client
from django.utils import timezone

from django_llmshop.models import LLMCall
from django_llmshop.support.models import (
    Conversation,
    KnowledgeChunk,
    Message,
    ReplySuggestion,
)
from django_llmshop.support.suggestions import draft_suggestion
from django_llmshop.testing import Reply

INBOX = "/admin/llmshop_support/conversation/"
QUESTION = "How long do I have to send back my mug?"


@pytest.fixture
def staff(shop):
    client = Client()
    client.force_login(shop.staff)
    return client


@pytest.fixture
def conversation(shop):
    """Alice's chat, whose one reply cited a passage of the returns policy."""
    chunk = KnowledgeChunk.objects.filter(document__url="/pages/returns-policy/").first()
    assert chunk is not None and chunk.text
    conversation = Conversation.objects.create(user=shop.alice, status="handed_off")
    Message.objects.create(conversation=conversation, role="user", content="Hello")
    citation = {"id": "S1", "kind": "policy", "title": chunk.heading or chunk.document.title,
                "url": "/pages/returns-policy/"}  # fmt: skip
    Message.objects.create(
        conversation=conversation, role="assistant", content="See [S1].", citations=[citation]
    )
    Message.objects.create(conversation=conversation, role="user", content=QUESTION)
    conversation.cited_text = chunk.text
    return conversation


def suggest(staff, conversation):
    return staff.post(f"{INBOX}{conversation.pk}/suggest/")


def suggest_and_poll(staff, conversation, capture):
    """Ask for a draft (the task runs at the commit), then poll it as the page does."""
    with capture(execute=True):
        response = suggest(staff, conversation)
    assert response.status_code == 200
    suggestion = ReplySuggestion.objects.get()
    assert f"suggestions/{suggestion.pk}/" in response.content.decode()
    return staff.get(f"{INBOX}{conversation.pk}/suggestions/{suggestion.pk}/")


def test_a_suggestion_fills_the_reply_field_and_sends_nothing(
    shop, staff, conversation, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("You have **30 days** to return it. <b>Thanks!</b>"))
    response = suggest_and_poll(staff, conversation, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-status="done"' in html and "hx-get" not in html
    assert 'id="id_staff_reply"' in html and 'name="staff_reply"' in html
    assert 'hx-swap-oob="true"' in html
    assert "You have **30 days** to return it. &lt;b&gt;Thanks!&lt;/b&gt;" in html
    assert "<b>" not in html

    (request,) = llm_settings.requests
    system, user = request.json["messages"]
    assert conversation.cited_text[:80] in system["content"]  # the cited source's passage
    assert QUESTION in user["content"] and "Shopper: Hello" in user["content"]
    call = LLMCall.objects.get()
    assert call.purpose == "support"

    # Nothing reached the shopper: no staff message until the form is saved.
    assert not conversation.messages.filter(role=Message.Role.STAFF).exists()
    suggestion = ReplySuggestion.objects.get()
    assert suggestion.status == "done" and suggestion.requested_by == shop.staff


def test_a_pending_suggestion_is_polled_until_it_is_written(
    shop, staff, conversation, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("We will check and come back to you."))
    with django_capture_on_commit_callbacks(execute=False):
        first = suggest(staff, conversation).content.decode()
        again = suggest(staff, conversation).content.decode()  # a double click
    suggestion = ReplySuggestion.objects.get()  # one draft for both clicks
    poll = f"{INBOX}{conversation.pk}/suggestions/{suggestion.pk}/"
    assert f'hx-get="{poll}"' in first and f'hx-get="{poll}"' in again
    assert 'data-status="pending"' in staff.get(poll).content.decode()
    assert draft_suggestion(suggestion.pk) is True
    assert draft_suggestion(suggestion.pk) is False  # a redelivered task does nothing
    done = staff.get(poll).content.decode()
    assert 'data-status="done"' in done and "We will check and come back to you." in done
    assert len(llm_settings.requests) == 1


def test_a_failing_endpoint_gives_a_message_not_an_error_page(
    shop, staff, conversation, settings, django_capture_on_commit_callbacks
):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "ENDPOINTS": {
            "default": {
                "BASE_URL": f"http://127.0.0.1:{port}/v1",
                "MODEL": "any",
                "MAX_RETRIES": 0,
            }
        },
    }
    response = suggest_and_poll(staff, conversation, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No reply could be drafted" in html and 'data-status="failed"' in html
    assert 'id="id_staff_reply"' not in html
    suggestion = ReplySuggestion.objects.get()
    assert suggestion.status == "failed" and "Connect" in suggestion.error
    # The change page itself still works, with its reply field.
    page = staff.get(f"{INBOX}{conversation.pk}/change/").content.decode()
    assert "Suggest a reply" in page and 'name="staff_reply"' in page


def test_a_draft_whose_worker_died_ends_as_failed(shop, staff, conversation):
    old = timezone.now() - timezone.timedelta(hours=1)
    suggestion = ReplySuggestion.objects.create(conversation=conversation, created_at=old)
    html = staff.get(f"{INBOX}{conversation.pk}/suggestions/{suggestion.pk}/").content.decode()
    assert "No reply could be drafted" in html
    assert ReplySuggestion.objects.get(pk=suggestion.pk).status == "failed"


def test_only_staff_who_may_change_conversations_can_ask(shop, conversation, client):
    from django.contrib.auth import get_user_model

    viewer = get_user_model().objects.create_user("viewer", password="x", is_staff=True)
    other = Client()
    other.force_login(viewer)
    assert suggest(other, conversation).status_code == 403
    client.force_login(shop.alice)
    assert suggest(client, conversation).status_code == 302  # to the admin login
    assert not ReplySuggestion.objects.exists()


def test_a_draft_does_not_write_over_what_staff_typed(
    shop, staff, conversation, llm_settings, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("We will check and come back to you."))
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"{INBOX}{conversation.pk}/suggest/", {"staff_reply": "Hi, I am"})
    suggestion = ReplySuggestion.objects.get()
    poll = f"{INBOX}{conversation.pk}/suggestions/{suggestion.pk}/"
    kept = staff.get(poll, {"staff_reply": "Hi, I am"}).content.decode()
    assert "We will check and come back to you." in kept and "Use this draft" in kept
    assert 'id="id_staff_reply"' not in kept
    used = staff.get(poll, {"staff_reply": "Hi, I am", "use": "1"}).content.decode()
    assert 'id="id_staff_reply"' in used and "We will check and come back to you." in used
