"""The chat widget: on every page, HTMX sending, restored on reload, carried over at login."""

from __future__ import annotations

from django.test import Client

from django_llmshop.shoppers import SESSION_KEY
from django_llmshop.support.models import Conversation, Message
from django_llmshop.testing import Reply
from tests.support.conftest import API


def test_the_widget_is_on_every_page_and_accessible(shop, client):
    html = client.get("/").content.decode()
    assert "data-llmshop-chat" in html
    assert 'aria-live="polite"' in html
    assert "django_llmshop/support/chat.js" in html
    assert 'aria-controls="llmshop-chat-panel"' in html
    assert '<label class="llmshop-chat__label" for="llmshop-chat-input">' in html


def test_the_page_with_the_widget_gives_a_new_visitor_their_session_at_once(
    shop, llm_settings, django_capture_on_commit_callbacks
):
    # The page's response sets the session, so the requests the page makes next share it: when
    # each of them started a session of its own, the chat's conversation could end up under a
    # token the browser no longer sent.
    llm_settings.add(Reply.text("Hello"))
    client = Client()
    page = client.get("/")
    assert "sessionid" in page.cookies
    token = client.session[SESSION_KEY]
    assert token
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/llmshop/api/chat/widget/send/", {"content": "hi"}, headers={"HX-Request": "true"}
        )
    assert Conversation.objects.get().session_key == token
    assert client.session[SESSION_KEY] == token


def test_sending_from_the_widget_and_restoring_on_reload(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    llm_settings.add(Reply.text("Hello, **how** can I help? <script>alert(1)</script>"))
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/llmshop/api/chat/widget/send/",
            {"content": "hi <b>there</b>"},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert "hi &lt;b&gt;there&lt;/b&gt;" in fragment
    assert "data-stream-url" in fragment  # the reply was pending when the fragment was made
    page = client.get("/").content.decode()  # reload: the conversation comes back
    assert "hi &lt;b&gt;there&lt;/b&gt;" in page
    assert "<strong>how</strong>" in page
    assert "<script>alert(1)</script>" not in page
    transcript = client.get("/llmshop/api/chat/widget/transcript/").content.decode()
    assert "<strong>how</strong>" in transcript


def test_widget_notices_for_refused_messages(shop, llm_settings, client):
    response = client.post("/llmshop/api/chat/widget/send/", {"content": "x" * 3000})
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()


def test_an_anonymous_chat_moves_to_the_account_at_login(shop, client):
    response = client.post(f"{API}/conversations/")
    conversation_id = response.json()["id"]
    client.post("/accounts/login/", {"username": "alice", "password": "alice"})
    conversation = Conversation.objects.get(pk=conversation_id)
    assert conversation.user == shop.alice
    assert client.get(f"{API}/conversations/{conversation_id}/").status_code == 200
    other = Client()
    other.force_login(shop.bob)
    assert other.get(f"{API}/conversations/{conversation_id}/").status_code == 404


def test_staff_reply_from_the_admin_inbox_reaches_the_widget(shop, client):
    client.force_login(shop.alice)
    conversation_id = client.post(f"{API}/conversations/").json()["id"]
    conversation = Conversation.objects.get(pk=conversation_id)
    Message.objects.create(conversation=conversation, role="user", content="I need a person")
    Message.objects.create(conversation=conversation, role="assistant", content="Sure.", rating=-1)
    conversation.status = Conversation.Status.HANDED_OFF
    conversation.topic = "order"
    conversation.save()
    staff = Client()
    staff.force_login(shop.staff)
    listing = staff.get("/admin/llmshop_support/conversation/").content.decode()
    assert f"#{conversation_id}" in listing and "👎 1" in listing
    url = f"/admin/llmshop_support/conversation/{conversation_id}/change/"
    page = staff.get(url).content.decode()
    assert "I need a person" in page and "Reply to the shopper" in page
    response = staff.post(
        url,
        {
            "status": "handed_off",
            "topic": "order",
            "staff_reply": "Hi Alice, this is Sam from the team.",
            "handoffs-TOTAL_FORMS": "0",
            "handoffs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    transcript = client.get("/llmshop/api/chat/widget/transcript/").content.decode()
    assert "Hi Alice, this is Sam from the team." in transcript
    assert "llmshop-chat__msg--staff" in transcript
    detail = client.get(f"{API}/conversations/{conversation_id}/").json()
    assert detail["messages"][-1]["role"] == "staff"


def test_inbox_transcript_updates_live(shop, client):
    client.force_login(shop.alice)
    conversation_id = client.post(f"{API}/conversations/").json()["id"]
    conversation = Conversation.objects.get(pk=conversation_id)
    staff = Client()
    staff.force_login(shop.staff)
    page = staff.get(f"/admin/llmshop_support/conversation/{conversation_id}/change/")
    html = page.content.decode()
    live_url = f"/admin/llmshop_support/conversation/{conversation_id}/transcript/"
    assert f'hx-get="{live_url}"' in html and 'hx-trigger="every 5s"' in html
    assert "htmx-2.min.js" in html
    Message.objects.create(conversation=conversation, role="user", content="Where is LS-1?")
    fragment = staff.get(live_url).content.decode()
    assert "Where is LS-1?" in fragment and "llmshop-transcript" in fragment
    assert client.get(live_url).status_code == 302  # a shopper is sent to the admin login
