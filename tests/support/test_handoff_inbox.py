"""The handoff in the staff inbox and the widget: silence while a person has the chat, take,
reply, release; the widget's "joined" notice and the staff reply, escaped."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from django_llmshop.support import catalog
from django_llmshop.support.models import Conversation, Handoff, Message
from tests.support.conftest import API, send, start_chat

INBOX = "/admin/llmshop_support/conversation/"
TRANSCRIPT = "/llmshop/api/chat/widget/transcript/"
JOINED = "A member of our team has joined"


@pytest.fixture
def small(shop, llm_settings, settings):
    """A small endpoint: questions are answered from the app's facts, with no model call."""
    llmshop = json.loads(json.dumps(settings.LLMSHOP))
    llmshop["ENDPOINTS"]["default"].update(SUPPORTS_TOOLS=False, CAPABILITY="small")
    settings.LLMSHOP = llmshop
    catalog.clear()
    return llm_settings


@pytest.fixture
def staff(shop):
    client = Client()
    client.force_login(shop.staff)
    return client


def handed_off_chat(client, capture):
    conversation_id = start_chat(client)
    with capture(execute=True):
        response = send(client, conversation_id, "I want to talk to a person")
    assert response.status_code == 202
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.status == Conversation.Status.HANDED_OFF
    return conversation


def change_form(conversation, **fields):
    """The change form's POST data, with the handoff rows as they are."""
    rows = list(conversation.handoffs.order_by("pk"))
    data = {
        "status": conversation.status,
        "topic": conversation.topic,
        "staff_reply": "",
        "handoffs-TOTAL_FORMS": str(len(rows)),
        "handoffs-INITIAL_FORMS": str(len(rows)),
    }
    for i, row in enumerate(rows):
        data |= {
            f"handoffs-{i}-id": str(row.pk),
            f"handoffs-{i}-conversation": str(conversation.pk),
            f"handoffs-{i}-status": row.status,
            f"handoffs-{i}-assigned_to": str(row.assigned_to_id or ""),
        }
    return data | fields


def test_the_bot_stays_silent_while_handed_off_and_answers_after_release(
    small, shop, client, staff, django_capture_on_commit_callbacks
):
    conversation = handed_off_chat(client, django_capture_on_commit_callbacks)
    bot_replies = conversation.messages.filter(role=Message.Role.ASSISTANT).count()
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation.pk, "What is your return policy?")
    assert response.json()["handed_off"] is True
    assert conversation.messages.filter(role=Message.Role.ASSISTANT).count() == bot_replies

    response = staff.post(
        INBOX, {"action": "release_to_assistant", "_selected_action": [conversation.pk]}
    )
    assert response.status_code == 302
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    handoff = conversation.handoffs.get()
    assert handoff.status == Handoff.Status.RESOLVED and handoff.resolved_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation.pk, "What is your return policy?")
    assert response.json()["handed_off"] is False
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.role == Message.Role.ASSISTANT and "30 days" in reply.content


def test_taking_a_handoff_shows_the_shopper_a_person_joined(
    small, shop, client, staff, django_capture_on_commit_callbacks
):
    conversation = handed_off_chat(client, django_capture_on_commit_callbacks)
    widget = client.get(TRANSCRIPT).content.decode()
    assert 'data-llmshop-person="waiting"' in widget and JOINED not in widget
    detail = client.get(f"{API}/conversations/{conversation.pk}/").json()
    assert detail["person"] == {"waiting": True, "joined": False}

    waiting = staff.get(INBOX, {"handoff": "waiting"}).content.decode()
    assert str(conversation) in waiting and "not taken" in waiting
    assert "waiting under a minute" in waiting

    staff.post(INBOX, {"action": "take_handoffs", "_selected_action": [conversation.pk]})
    handoff = conversation.handoffs.get()
    assert handoff.assigned_to == shop.staff and handoff.assigned_at is not None
    widget = client.get(TRANSCRIPT).content.decode()
    assert JOINED in widget and 'data-llmshop-person="joined"' in widget
    mine = staff.get(INBOX, {"handoff": "mine"}).content.decode()
    assert str(conversation) in mine and "taken by staffer" in mine
    assert str(conversation) not in staff.get(INBOX, {"handoff": "unassigned"}).content.decode()

    with pytest.MonkeyPatch.context() as patch:  # an hour later, still no reply
        later = timezone.now() + timezone.timedelta(hours=1, minutes=1)
        patch.setattr(timezone, "now", lambda: later)
        assert "waiting 1\xa0hour, 1\xa0minute" in staff.get(INBOX).content.decode()

    zh = client.get(TRANSCRIPT, headers={"accept-language": "zh-hans"}).content.decode()
    assert "我们的团队成员已加入对话" in zh


def test_a_staff_reply_reaches_the_widget_after_the_joined_notice(
    small, shop, client, staff, django_capture_on_commit_callbacks
):
    conversation = handed_off_chat(client, django_capture_on_commit_callbacks)
    url = f"{INBOX}{conversation.pk}/change/"
    text = "Hi, this is Sam. <script>window.owned = 1</script> I'm on it."
    response = staff.post(url, change_form(conversation, staff_reply=text))
    assert response.status_code == 302, response.content.decode()[:3000]

    handoff = conversation.handoffs.get()
    staff_message = conversation.messages.get(role=Message.Role.STAFF)
    assert handoff.first_reply_at == staff_message.created_at
    assert handoff.assigned_to == shop.staff  # the first to reply has it
    widget = client.get(TRANSCRIPT).content.decode()
    assert "Hi, this is Sam." in widget and "<script>" not in widget
    assert "&lt;script&gt;" in widget
    assert widget.index(JOINED) < widget.index("Hi, this is Sam.")
    assert widget.index("I want to talk to a person") < widget.index(JOINED)
    detail = client.get(f"{API}/conversations/{conversation.pk}/").json()
    assert detail["messages"][-1]["role"] == "staff"
    assert detail["person"] == {"waiting": False, "joined": True}
    listing = staff.get(INBOX).content.decode()
    assert "first reply after under a minute" in listing

    # A second reply keeps the first reply's time.
    staff.post(url, change_form(Conversation.objects.get(pk=conversation.pk), staff_reply="More."))
    assert Handoff.objects.get(pk=handoff.pk).first_reply_at == handoff.first_reply_at


def test_release_and_take_buttons_in_the_change_view(
    small, shop, client, staff, django_capture_on_commit_callbacks
):
    conversation = handed_off_chat(client, django_capture_on_commit_callbacks)
    url = f"{INBOX}{conversation.pk}/change/"
    page = staff.get(url).content.decode()
    assert 'name="_take_handoff"' in page and 'name="_release"' in page
    response = staff.post(url, change_form(conversation, _take_handoff="1"))
    assert response.status_code == 302 and response["Location"] == url
    assert conversation.handoffs.get().assigned_to == shop.staff

    conversation.refresh_from_db()
    response = staff.post(url, change_form(conversation, _release="1"))
    assert response.status_code == 302 and response["Location"] == url
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.handoffs.get().status == Handoff.Status.RESOLVED
    assert 'name="_release"' not in staff.get(url).content.decode()


def test_closing_by_hand_resolves_the_handoff(
    small, shop, client, staff, django_capture_on_commit_callbacks
):
    conversation = handed_off_chat(client, django_capture_on_commit_callbacks)
    url = f"{INBOX}{conversation.pk}/change/"
    form = change_form(conversation, status="closed")
    form["handoffs-0-status"] = "open"
    staff.post(url, form)
    handoff = conversation.handoffs.get()
    assert handoff.status == Handoff.Status.RESOLVED and handoff.resolved_at is not None
    assert not re.search(r"llmshop-chat__notice", client.get(TRANSCRIPT).content.decode())
