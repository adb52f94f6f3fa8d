"""The chat on a real Celery worker (threads pool, its own queue) sharing the test database."""

from __future__ import annotations

from django.test import Client

from django_llmshop.support.models import Message
from django_llmshop.testing import Reply
from tests import worker_settings
from tests.conftest import missing_service
from tests.support.conftest import API, parse_sse, send, start_chat


def test_a_logged_in_shopper_gets_a_streamed_reply_from_a_real_worker(
    shop, transactional_db, tmp_path, llm_server, settings
):
    from tests.worker import database_url, worker_process

    if database_url() is None:
        missing_service("a worker needs a file or server database (LLMSHOP_TEST_SQLITE)")
    settings.LLMSHOP = {
        **worker_settings.LLMSHOP,
        "ENDPOINTS": {
            "default": {"BASE_URL": llm_server.base_url, "MODEL": "fake-model", "MAX_RETRIES": 0}
        },
    }
    answer = "Your order LS-100241 is with UPS, tracking 1Z4F83E20399451208. It left 2 days ago."
    llm_server.add(
        Reply.tool_calls(("get_my_order", {"order_number": "LS-100241"})),
        Reply.text(answer, token_delay=0.02),
    )
    with worker_process(
        tmp_path,
        pool="threads",
        concurrency=4,
        queues="llmshop_chat",
        env={"LLMSHOP_TEST_FAKE_URL": llm_server.base_url},
        settings_module="tests.worker_settings",
    ):
        client = Client()
        client.force_login(shop.alice)
        conversation_id = start_chat(client)
        response = send(client, conversation_id, "Where is my order?")
        assert response.status_code == 202
        message_id = response.json()["id"]
        stream = client.get(f"{API}/messages/{message_id}/stream/")
        events = parse_sse(b"".join(stream.streaming_content).decode())
    reply = Message.objects.get(pk=message_id)
    assert reply.status == Message.Status.DONE, (reply.error, events)
    assert [c["name"] for c in reply.tool_calls] == ["get_my_order"]
    assert reply.citations[0]["title"] == "Order LS-100241"
    assert "".join(e.json() for e in events if e.event == "token") == reply.content == answer
    assert events[-1].event == "done" and events[-1].json()["id"] == reply.pk
