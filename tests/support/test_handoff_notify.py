"""Staff hear of a handoff: an email to those with the permission, the signal, and a signed
webhook received by a real HTTP server on the loopback, retried on failure then given up."""

from __future__ import annotations

import json
import logging
import smtplib
import socket
from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core import mail

from django_llmshop.support.models import Conversation, Handoff, Message
from django_llmshop.support.signals import handoff_requested
from django_llmshop.support.tasks import email_handoff_task
from django_llmshop.support.webhooks import sign, verify_signature
from tests.support.conftest import API, start_chat
from tests.support.webhook_receiver import webhook_receiver

SECRET = "s3cret-for-the-handoff-webhook"
BASE = "https://shop.example.com"
BOB_SECRET = "Bob's private note 9931"


@pytest.fixture
def staff_people(shop):
    """Who should and should not hear of a handoff."""
    users = get_user_model().objects
    permission = Permission.objects.get(
        codename="receive_handoff_notifications", content_type__app_label="llmshop_support"
    )

    def person(name, *, staff=True, granted=True, active=True, superuser=False):
        user = users.create_user(
            name, f"{name}@shop.test", "x", is_staff=staff, is_active=active,
            is_superuser=superuser,
        )  # fmt: skip
        if granted:
            user.user_permissions.add(permission)
        return user

    person("ann")  # staff with the permission
    person("boss", granted=False, superuser=True)  # a superuser holds every permission
    person("nope", granted=False)  # staff without it
    person("outsider", staff=False)  # the permission, but not staff
    person("gone", active=False)  # no longer active
    # The demo shop's own superuser hears of it too.
    demo = users.filter(is_superuser=True, is_staff=True, is_active=True).exclude(email="")
    return sorted({"ann@shop.test", "boss@shop.test", *demo.values_list("email", flat=True)})


@pytest.fixture
def webhook_settings(settings):
    def configure(url, retries=5):
        settings.LLMSHOP = {
            **settings.LLMSHOP,
            "CHAT_HANDOFF_WEBHOOK_URL": url,
            "CHAT_HANDOFF_WEBHOOK_SECRET": SECRET,
            "CHAT_HANDOFF_WEBHOOK_RETRIES": retries,
            "CHAT_ADMIN_BASE_URL": BASE,
        }

    return configure


def ask_for_person(client, shop, capture):
    """Alice writes, then asks for a person; Bob has a conversation of his own."""
    bobs = Conversation.objects.create(user=shop.bob)
    Message.objects.create(conversation=bobs, role="user", content=BOB_SECRET)
    client.force_login(shop.alice)
    conversation_id = start_chat(client)
    conversation = Conversation.objects.get(pk=conversation_id)
    Message.objects.create(conversation=conversation, role="user", content="Where is my mug?")
    Message.objects.create(conversation=conversation, role="assistant", content="Let me see.")
    Message.objects.create(
        conversation=conversation, role="user", content="My parcel arrived   broken, help!"
    )
    with capture(execute=True):
        response = client.post(
            f"{API}/conversations/{conversation_id}/handoff/",
            {"reason": "The parcel arrived broken."},
            content_type="application/json",
        )
    assert response.status_code == 201
    return conversation


def test_a_handoff_emails_the_right_staff_and_a_signed_webhook_arrives(
    shop, staff_people, client, webhook_settings, django_capture_on_commit_callbacks
):
    signals = []
    uid = "test-handoff-signal"
    handoff_requested.connect(
        lambda **kw: signals.append(kw["handoff"]), weak=False, dispatch_uid=uid
    )
    try:
        with webhook_receiver() as receiver:
            webhook_settings(receiver.url)
            conversation = ask_for_person(client, shop, django_capture_on_commit_callbacks)
            received = receiver.wait_for(1)
    finally:
        handoff_requested.disconnect(dispatch_uid=uid)
    handoff = Handoff.objects.get(conversation=conversation)
    assert signals == [handoff]

    assert sorted(m.to[0] for m in mail.outbox) == staff_people
    assert "ann@shop.test" in staff_people and "nope@shop.test" not in staff_people
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)
    email = mail.outbox[0]
    admin_url = f"{BASE}/admin/llmshop_support/conversation/{conversation.pk}/change/"
    assert f"#{conversation.pk}" in email.subject
    assert admin_url in email.body
    assert "The parcel arrived broken." in email.body
    assert "My parcel arrived broken, help!" in email.body
    assert BOB_SECRET not in email.body and "alice" not in email.body.lower()
    assert Handoff.objects.get(pk=handoff.pk).notified_at is not None

    (request,) = received
    header = request.headers["x-llmshop-signature"]
    assert header == sign(request.body, SECRET)
    assert verify_signature(request.body, header, SECRET, max_age=300)
    assert not verify_signature(request.body, header, "another-secret-of-16+")
    assert not verify_signature(request.body.replace(b"broken", b"fine!!"), header, SECRET)
    assert not verify_signature(request.body, None, SECRET)
    payload = json.loads(request.body)
    assert request.headers["x-llmshop-timestamp"] == str(payload["timestamp"])
    assert not verify_signature(
        request.body, header, SECRET, max_age=60, now=payload["timestamp"] + 61
    )
    assert request.headers["x-llmshop-event"] == payload["event"] == "handoff.requested"
    assert request.headers["x-llmshop-delivery"] == f"handoff-{handoff.pk}"
    assert payload["conversation"]["id"] == conversation.pk
    assert payload["conversation"]["admin_url"] == admin_url
    assert payload["conversation"]["last_shopper_message"] == "My parcel arrived broken, help!"
    assert payload["handoff"]["reason"] == "The parcel arrived broken."
    assert datetime.fromisoformat(payload["handoff"]["waiting_since"]) == handoff.created_at
    assert BOB_SECRET.encode() not in request.body and b"alice" not in request.body.lower()

    # Asking again while a person has it, or a redelivered email task, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{API}/conversations/{conversation.pk}/handoff/")
    assert email_handoff_task.apply(args=[handoff.pk]).get() == 0
    assert len(mail.outbox) == len(staff_people) and len(receiver.received) == 1
    assert Handoff.objects.filter(conversation=conversation).count() == 1


def test_a_failing_receiver_is_retried_until_it_answers(
    shop, client, webhook_settings, django_capture_on_commit_callbacks, caplog
):
    with webhook_receiver(statuses=[500, 503]) as receiver:
        webhook_settings(receiver.url)
        with caplog.at_level(logging.WARNING, logger="django_llmshop.support.handoffs"):
            ask_for_person(client, shop, django_capture_on_commit_callbacks)
        received = receiver.wait_for(3)
    assert len(received) == 3
    assert len({r.headers["x-llmshop-delivery"] for r in received}) == 1
    assert all(verify_signature(r.body, r.headers["x-llmshop-signature"], SECRET) for r in received)
    assert caplog.text.count("retrying") == 2 and "giving up" not in caplog.text


@pytest.mark.parametrize(("status", "attempts"), [(500, 3), (404, 1)])
def test_a_failing_receiver_is_given_up_with_a_log_entry(
    shop, client, webhook_settings, django_capture_on_commit_callbacks, caplog, status, attempts
):
    with webhook_receiver(default_status=status) as receiver:
        webhook_settings(receiver.url, retries=2)
        with caplog.at_level(logging.WARNING, logger="django_llmshop.support.handoffs"):
            conversation = ask_for_person(client, shop, django_capture_on_commit_callbacks)
        assert len(receiver.wait_for(attempts)) == attempts
    given_up = [r for r in caplog.records if "giving up" in r.getMessage()]
    assert len(given_up) == 1 and given_up[0].levelno == logging.ERROR
    assert f"after {attempts} attempt(s)" in given_up[0].getMessage()
    assert f"HTTP {status}" in given_up[0].getMessage()
    # The shopper's handoff is not held up by the webhook.
    assert Conversation.objects.get(pk=conversation.pk).status == "handed_off"


def test_a_network_error_is_retried_then_given_up(
    shop, client, webhook_settings, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as free:  # a port with nobody listening
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    webhook_settings(f"http://127.0.0.1:{port}/hook", retries=1)
    with caplog.at_level(logging.WARNING, logger="django_llmshop.support.handoffs"):
        ask_for_person(client, shop, django_capture_on_commit_callbacks)
    assert caplog.text.count("retrying") == 1
    assert "giving up" in caplog.text and "ConnectError" in caplog.text


def test_no_email_when_switched_off(
    shop, staff_people, client, settings, django_capture_on_commit_callbacks
):
    settings.LLMSHOP = {**settings.LLMSHOP, "CHAT_HANDOFF_EMAIL": False}
    ask_for_person(client, shop, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Handoff.objects.get().notified_at is None


class FlakyBackend:
    """A mail backend whose first ``failures`` sends raise, then delivers to the outbox."""

    failures = 0
    attempts = 0

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        FlakyBackend.attempts += 1
        if FlakyBackend.attempts <= FlakyBackend.failures:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        mail.outbox.extend(messages)
        return len(messages)


@pytest.mark.parametrize(("failures", "sent"), [(2, True), (10, False)])
def test_a_mail_server_error_is_retried_then_given_up(
    shop, staff_people, client, settings, django_capture_on_commit_callbacks, caplog,
    failures, sent,
):  # fmt: skip
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.attempts = failures, 0
    with caplog.at_level(logging.WARNING, logger="django_llmshop.support.handoffs"):
        ask_for_person(client, shop, django_capture_on_commit_callbacks)
    handoff = Handoff.objects.get()
    if sent:
        assert FlakyBackend.attempts == 3
        assert sorted(m.to[0] for m in mail.outbox) == staff_people
        assert handoff.notified_at is not None
    else:
        assert FlakyBackend.attempts == 4  # the first try and three retries
        assert mail.outbox == [] and handoff.notified_at is None
        assert "emailing staff failed 4 times, giving up" in caplog.text
