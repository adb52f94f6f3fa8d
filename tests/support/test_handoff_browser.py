"""In a real browser: a shopper asks for a person, staff are notified, the bot stays silent,
staff draft a reply with "Suggest a reply", edit and send it in the admin, and the shopper's
widget shows that a person joined, then the reply.

Tasks run eagerly inside the live server (the test settings' default), so the handoff email
and the webhook are sent at the commit of the shopper's request.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from django_llmshop.support.models import Conversation, Handoff, Message
from django_llmshop.support.webhooks import verify_signature
from django_llmshop.testing import Reply
from shop.models import Product
from tests.support.test_browser import log_in
from tests.support.webhook_receiver import webhook_receiver

SECRET = "browser-test-webhook-secret"
DRAFT = "Sorry for the wait, I am looking at your order now."


def wait_until(condition, timeout=20.0, what="the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_a_shopper_gets_a_person(
    transactional_db, shop, llm_settings, settings, live_server, page, browser
):
    from django.contrib.auth import get_user_model

    agent = get_user_model().objects.create_user(
        "agent", "agent@shop.test", "x", is_staff=True, is_superuser=False
    )
    agent.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="llmshop_support",
            codename__in=["receive_handoff_notifications", "change_conversation",
                          "view_conversation", "view_handoff", "change_handoff"],
        )
    )  # fmt: skip
    with webhook_receiver() as receiver:
        settings.LLMSHOP = {
            **settings.LLMSHOP,
            "CHAT_HANDOFF_WEBHOOK_URL": receiver.url,
            "CHAT_HANDOFF_WEBHOOK_SECRET": SECRET,
        }
        product = Product.objects.order_by("pk").first()
        page.goto(live_server.url + product.get_absolute_url())
        page.locator(".llmshop-chat__toggle").click()
        page.get_by_role("button", name="Talk to a person").click()
        page.locator('[data-llmshop-person="waiting"]').last.wait_for()

        conversation = Conversation.objects.get()
        assert conversation.status == Conversation.Status.HANDED_OFF
        # Staff are told: the agent by email, and the webhook with a valid signature.
        wait_until(lambda: len(mail.outbox) > 0, what="the handoff email")
        assert "agent@shop.test" in [m.to[0] for m in mail.outbox]
        assert f"/admin/llmshop_support/conversation/{conversation.pk}/change/" in (
            mail.outbox[0].body
        )
        (hook,) = receiver.wait_for(1)
        assert verify_signature(hook.body, hook.headers["x-llmshop-signature"], SECRET)

    # The bot stays silent while a person has the chat.
    bot_replies = conversation.messages.filter(role=Message.Role.ASSISTANT).count()
    page.get_by_label("Your message").fill("Are you still there?")
    page.keyboard.press("Enter")
    page.locator(".llmshop-chat__msg--user", has_text="Are you still there?").wait_for()
    assert conversation.messages.filter(role=Message.Role.ASSISTANT).count() == bot_replies
    assert page.locator(".llmshop-chat__notice--joined").count() == 0

    # Staff draft a reply with the model, edit it and send it from the admin.
    llm_server = llm_settings
    llm_server.add(Reply.text(DRAFT))
    staff_context = browser.new_context(locale="en-US")
    try:
        staff = staff_context.new_page()
        staff.set_default_timeout(15_000)
        log_in(staff, live_server, agent)
        staff.goto(
            f"{live_server.url}/admin/llmshop_support/conversation/{conversation.pk}/change/"
        )
        staff.get_by_role("button", name="Suggest a reply").click()
        staff.locator('#llmshop-suggestion[data-status="done"]').wait_for()
        field = staff.locator("#id_staff_reply")
        assert field.input_value() == DRAFT
        assert not conversation.messages.filter(role=Message.Role.STAFF).exists()
        field.fill(DRAFT + " <b>Sam</b>")
        staff.get_by_role("button", name="Save and continue editing").click()
        staff.locator(".messagelist .success").wait_for()
    finally:
        staff_context.close()

    handoff = Handoff.objects.get(conversation=conversation)
    assert handoff.first_reply_at is not None and handoff.assigned_to == agent
    # The shopper's widget picks up the notice and the reply by itself.
    joined = page.locator(".llmshop-chat__notice--joined")
    joined.wait_for(timeout=20_000)
    assert joined.inner_text() == "A member of our team has joined"
    reply = page.locator(".llmshop-chat__msg--staff .llmshop-chat__body")
    reply.wait_for()
    assert reply.inner_text() == DRAFT + " <b>Sam</b>"  # shown as text, never as HTML
    assert reply.locator("b").count() == 0
    order = page.evaluate(
        """() => { const j = document.querySelector('.llmshop-chat__notice--joined');
                   const r = document.querySelector('.llmshop-chat__msg--staff');
                   return !!(j.compareDocumentPosition(r) & Node.DOCUMENT_POSITION_FOLLOWING); }"""
    )
    assert order, "the joined notice comes before the staff reply"
