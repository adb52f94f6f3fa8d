"""When the model cannot answer: failed replies with a plain message, retry, redelivery."""

from __future__ import annotations

from decimal import Decimal

from django_llmshop.models import Budget
from django_llmshop.support.models import Conversation, Message
from django_llmshop.support.replies import generate_reply
from django_llmshop.support.tasks import generate_reply_task
from django_llmshop.testing import Reply
from tests.support.conftest import API, parse_sse, send, start_chat


def test_endpoint_down_fails_the_reply_keeps_the_question_and_retry_works(
    shop, settings, llm_server, client, django_capture_on_commit_callbacks
):
    # tests/settings.py points the endpoint at port 9, where nothing listens.
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, conversation_id, "Can I return opened items?")
    assert response.status_code == 202
    reply = Message.objects.get(pk=response.json()["id"])
    assert reply.status == Message.Status.FAILED
    assert "try again" in reply.content and "person" in reply.content
    assert "LLMConnectionError" in reply.error
    question = Message.objects.get(conversation_id=conversation_id, role="user")
    assert question.content == "Can I return opened items?"
    events = parse_sse(
        b"".join(client.get(f"{API}/messages/{reply.pk}/stream/").streaming_content).decode()
    )
    assert [e.event for e in events] == ["error"]
    assert events[0].json()["message"] == reply.content

    # The endpoint is back: retrying queues the same reply again.
    fake = {"BASE_URL": llm_server.base_url, "MODEL": "m", "MAX_RETRIES": 0}
    settings.LLMSHOP = {**settings.LLMSHOP, "ENDPOINTS": {"default": fake}}
    llm_server.add(Reply.text("Opened skincare cannot be returned."))
    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(f"{API}/messages/{reply.pk}/retry/")
    assert retried.status_code == 202
    reply.refresh_from_db()
    assert reply.status == Message.Status.DONE
    assert reply.content == "Opened skincare cannot be returned."
    assert client.post(f"{API}/messages/{reply.pk}/retry/").status_code == 409
    # Asking for a person hands the conversation off.
    assert client.post(f"{API}/conversations/{conversation_id}/handoff/").status_code == 201
    assert Conversation.objects.get(pk=conversation_id).status == "handed_off"


def test_over_budget_fails_at_once_without_a_model_call(
    shop, llm_settings, client, django_capture_on_commit_callbacks
):
    Budget.objects.create(purpose="support", daily_limit=Decimal(0))
    conversation_id = start_chat(client)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = send(client, conversation_id, "hello")
    assert response.status_code == 202
    assert response.json()["status"] == "failed"
    assert callbacks == []
    assert llm_settings.requests == []
    reply = Message.objects.get(pk=response.json()["id"])
    assert "BudgetExceededError" in reply.error


def test_an_open_circuit_fails_the_reply_without_a_request(shop, llm_settings, settings):
    settings.LLMSHOP = {
        **settings.LLMSHOP,
        "CIRCUIT_BREAKER": {"FAILURE_THRESHOLD": 1, "RESET_SECONDS": 60},
    }
    llm_settings.add(Reply.error(503))
    conversation = Conversation.objects.create(user=shop.alice)
    from tests.support.conftest import new_reply

    first = new_reply(conversation, "one")
    generate_reply(first.pk)
    second = new_reply(conversation, "two")
    generate_reply(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Message.Status.FAILED
    assert "ServerError" in first.error
    assert "CircuitOpenError" in second.error
    assert len(llm_settings.requests) == 1


def test_a_redelivered_task_does_not_answer_twice(shop, llm_settings):
    from tests.support.conftest import new_reply

    llm_settings.add(Reply.text("Once."))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "hello")
    assert generate_reply_task.apply(args=[reply.pk]).get() is True
    assert generate_reply_task.apply(args=[reply.pk]).get() is False
    reply.refresh_from_db()
    assert reply.content == "Once." and reply.attempts == 1
    assert len(llm_settings.requests) == 1
    assert Message.objects.filter(role="assistant").count() == 1
    assert generate_reply_task.acks_late and generate_reply_task.reject_on_worker_lost


def test_a_reply_left_streaming_by_a_lost_worker_is_generated_again(shop, llm_settings):
    from tests.support.conftest import new_reply

    llm_settings.add(Reply.text("Second try."))
    reply = new_reply(Conversation.objects.create(user=shop.alice), "hello")
    Message.objects.filter(pk=reply.pk).update(status=Message.Status.STREAMING, attempts=1)
    assert generate_reply(reply.pk) is True
    reply.refresh_from_db()
    assert (reply.status, reply.content, reply.attempts) == ("done", "Second try.", 2)
